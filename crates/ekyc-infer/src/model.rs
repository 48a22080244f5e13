//! The inference interface pipelines code against, so they can be tested with fakes.

use ndarray::ArrayD;

use crate::error::InferError;

/// A named f32 tensor going into or coming out of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTensor {
    pub name: String,
    pub data: ArrayD<f32>,
}

impl NamedTensor {
    pub fn new(name: impl Into<String>, data: ArrayD<f32>) -> Self {
        NamedTensor {
            name: name.into(),
            data,
        }
    }
}

/// Something that maps named f32 tensors to named f32 tensors.
pub trait Model: Send + Sync {
    fn name(&self) -> &str;
    /// f32 tensors in, f32 tensors out, by name, in the model's output order.
    fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError>;
}

/// Find a tensor by name in a model's outputs.
pub fn take_output(outputs: Vec<NamedTensor>, name: &str) -> Option<ArrayD<f32>> {
    outputs.into_iter().find(|t| t.name == name).map(|t| t.data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A fake that doubles its single input: what a pipeline unit test would use.
    struct Doubler;

    impl Model for Doubler {
        fn name(&self) -> &str {
            "doubler"
        }
        fn run(&self, inputs: &[NamedTensor]) -> Result<Vec<NamedTensor>, InferError> {
            let [input] = inputs else {
                return Err(InferError::BadTensor {
                    model: self.name().to_string(),
                    message: format!("expected 1 input, got {}", inputs.len()),
                });
            };
            Ok(vec![NamedTensor::new("out", &input.data * 2.0)])
        }
    }

    fn pipeline(model: &dyn Model, x: f32) -> Result<f32, InferError> {
        let input = NamedTensor::new("x", ArrayD::from_elem(vec![1, 2], x));
        let out = take_output(model.run(&[input])?, "out").ok_or(InferError::BadTensor {
            model: model.name().to_string(),
            message: "no output `out`".into(),
        })?;
        Ok(out.sum())
    }

    #[test]
    fn fake_model_through_trait_object() {
        let model: Arc<dyn Model> = Arc::new(Doubler);
        assert_eq!(pipeline(model.as_ref(), 1.5).ok(), Some(6.0));
        assert!(matches!(model.run(&[]), Err(InferError::BadTensor { .. })));
    }
}
