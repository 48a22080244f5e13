//! HKIDCardOCR and MLIDCardOCR end to end with the real models on the generated card fixtures
//! (`tools/cards/fixtures`, synthetic phone photos with their labels): contract-shaped fields,
//! the portrait when asked, the wrong card refused with the contract's code. Skips (loudly)
//! without models.

mod common;

use common::{b64, error_code};
use serde_json::json;

const OCR: &str = "2018-11-19";

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tools/cards/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn decodes_as_image(b64_text: &str) -> bool {
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64_text)
        .ok()
        .and_then(|bytes| image::load_from_memory(&bytes).ok())
        .is_some()
}

#[tokio::test]
async fn card_ocr_with_real_models() {
    let Some(pipelines) = common::real_pipelines() else {
        return;
    };
    let srv = common::spawn_with(|_| {}, pipelines).await;
    let (hkid, mykad) = (fixture("hkid_0001.jpg"), fixture("mykad_0000.jpg"));

    let r = srv
        .call(
            "HKIDCardOCR",
            OCR,
            &json!({"ImageBase64": b64(&hkid), "ReturnHeadImage": true}),
        )
        .await;
    assert_eq!(r["IdNum"], "V205923(1)", "{r}");
    assert_eq!(r["EnName"], "HO, Ling Tsz", "{r}");
    assert_eq!(r["CnName"], "何玲子", "{r}");
    assert_eq!(r["Birthday"], "03-01-1990", "{r}");
    assert_eq!(r["Sex"], "M", "{r}");
    assert_eq!(r["Permanent"], 1, "{r}");
    assert_eq!(r["Symbol"], "***AZ", "{r}");
    assert_eq!(r["TelexCode"], "3827 3326 0301", "{r}");
    assert_eq!(r["FirstIssueDate"], "11-14", "{r}");
    assert_eq!(r["CurrentIssueDate"], "01-25", "{r}");
    assert_eq!(r["WarningCode"], json!([]), "{r}");
    assert!(r["WarnCardInfos"].is_array(), "{r}");
    assert!(
        decodes_as_image(r["HeadImage"].as_str().unwrap_or("")),
        "{r}"
    );

    let r = srv
        .call(
            "MLIDCardOCR",
            OCR,
            &json!({"ImageBase64": b64(&mykad), "RetImage": true}),
        )
        .await;
    assert_eq!(r["ID"], "880728-46-9240", "{r}");
    assert_eq!(r["Name"], "SITI AMINAH BINTI ABDULLAH", "{r}");
    assert_eq!(
        r["Address"], "NO 97 LORONG MELATI 11 TAMAN DESA JAYA 23058 KUALA TERENGGANU TERENGGANU",
        "{r}"
    );
    assert_eq!(r["Sex"], "PEREMPUAN", "{r}");
    assert_eq!(r["Birthday"], "28/07/1988", "{r}");
    assert_eq!(r["Type"], "MyKad", "{r}");
    assert_eq!(r["AdvancedInfo"], "1", "{r}");
    assert!(decodes_as_image(r["Image"].as_str().unwrap_or("")), "{r}");

    // Each card refused by the other action; no portrait unless asked.
    let r = srv
        .call("HKIDCardOCR", OCR, &json!({"ImageBase64": b64(&mykad)}))
        .await;
    assert_eq!(error_code(&r), "FailedOperation.NoHKIDCard", "{r}");
    let r = srv
        .call("MLIDCardOCR", OCR, &json!({"ImageBase64": b64(&hkid)}))
        .await;
    assert_eq!(error_code(&r), "FailedOperation.NoMASIDCard", "{r}");
}
