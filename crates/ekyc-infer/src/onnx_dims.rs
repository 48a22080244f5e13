//! Make chosen axes of an ONNX graph's inputs and outputs symbolic, at load time.
//!
//! Some published models declare placeholder fixed sizes (CenterFace says 10×3×32×32) although
//! the network is fully convolutional. ONNX Runtime rejects other sizes unless the declared
//! dimension is symbolic, so we rewrite `dim_value` into `dim_param` in the protobuf bytes.
//! This edits the wire format directly (no schema crate): only the path
//! `ModelProto.graph → GraphProto.input/output → ValueInfoProto.type → TypeProto.tensor_type
//! → shape → dim` is decoded; every other byte is copied unchanged.

/// Field numbers from onnx.proto.
const MODEL_GRAPH: u32 = 7;
const GRAPH_INPUT: u32 = 11;
const GRAPH_OUTPUT: u32 = 12;
const VALUE_INFO_TYPE: u32 = 2;
const TYPE_TENSOR: u32 = 1;
const TENSOR_SHAPE: u32 = 2;
const SHAPE_DIM: u32 = 1;
const DIM_VALUE: u32 = 1;
const DIM_PARAM: u32 = 2;

const WIRE_VARINT: u8 = 0;
const WIRE_I64: u8 = 1;
const WIRE_LEN: u8 = 2;
const WIRE_I32: u8 = 5;

/// Rewrites the payload of one nested message.
type NestedFn<'a> = dyn FnMut(&[u8]) -> Result<Vec<u8>, String> + 'a;
/// Decides, per (field number, wire type, payload), what to do with a field.
type EditFn<'a> = dyn FnMut(u32, u8, &[u8]) -> Result<Edit, String> + 'a;

/// What to do with one field while copying a message.
enum Edit {
    Keep,
    Drop,
    Replace(Vec<u8>),
}

/// Return a copy of `model` where axes `axes` of every graph input and output are symbolic.
pub fn free_io_axes(model: &[u8], axes: &[usize]) -> Result<Vec<u8>, String> {
    let mut io_index = 0usize;
    map_fields(model, &mut |field, wire, payload| {
        if field != MODEL_GRAPH || wire != WIRE_LEN {
            return Ok(Edit::Keep);
        }
        let graph = map_fields(payload, &mut |field, wire, payload| {
            if wire != WIRE_LEN || !(field == GRAPH_INPUT || field == GRAPH_OUTPUT) {
                return Ok(Edit::Keep);
            }
            io_index += 1;
            let value_info = free_value_info(payload, axes, io_index)?;
            Ok(Edit::Replace(value_info))
        })?;
        Ok(Edit::Replace(graph))
    })
}

fn free_value_info(value_info: &[u8], axes: &[usize], io_index: usize) -> Result<Vec<u8>, String> {
    // ValueInfoProto.type → TypeProto.tensor_type → Tensor.shape → TensorShapeProto.dim*
    nested(value_info, VALUE_INFO_TYPE, &mut |type_proto| {
        nested(type_proto, TYPE_TENSOR, &mut |tensor| {
            nested(tensor, TENSOR_SHAPE, &mut |shape| {
                let mut axis = 0usize;
                map_fields(shape, &mut |field, wire, dim| {
                    if field != SHAPE_DIM || wire != WIRE_LEN {
                        return Ok(Edit::Keep);
                    }
                    let this = axis;
                    axis += 1;
                    if !axes.contains(&this) {
                        return Ok(Edit::Keep);
                    }
                    Ok(Edit::Replace(symbolic_dim(
                        dim,
                        &format!("io{io_index}_d{this}"),
                    )?))
                })
            })
        })
    })
}

/// Rewrite the length-delimited field `field` of `msg` with `f`, keeping the rest.
fn nested(msg: &[u8], field: u32, f: &mut NestedFn) -> Result<Vec<u8>, String> {
    map_fields(msg, &mut |number, wire, payload| {
        if number == field && wire == WIRE_LEN {
            f(payload).map(Edit::Replace)
        } else {
            Ok(Edit::Keep)
        }
    })
}

/// A Dimension with `dim_value`/`dim_param` replaced by `dim_param = name` (denotation kept).
fn symbolic_dim(dim: &[u8], name: &str) -> Result<Vec<u8>, String> {
    let mut out = map_fields(dim, &mut |field, _, _| {
        Ok(if field == DIM_VALUE || field == DIM_PARAM {
            Edit::Drop
        } else {
            Edit::Keep
        })
    })?;
    put_varint(&mut out, u64::from(DIM_PARAM << 3 | u32::from(WIRE_LEN)));
    put_varint(&mut out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
    Ok(out)
}

/// Copy a message field by field. `edit` sees (field number, wire type, payload); for
/// length-delimited fields the payload is the content, otherwise the raw value bytes.
fn map_fields(msg: &[u8], edit: &mut EditFn) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(msg.len() + 16);
    let mut pos = 0;
    while pos < msg.len() {
        let start = pos;
        let key = get_varint(msg, &mut pos)?;
        let wire = (key & 7) as u8;
        let field = u32::try_from(key >> 3).map_err(|_| "field number too large".to_string())?;
        let (payload_start, end) = match wire {
            WIRE_VARINT => {
                let value_start = pos;
                get_varint(msg, &mut pos)?;
                (value_start, pos)
            }
            WIRE_I64 => (pos, pos.checked_add(8).ok_or("overflow")?),
            WIRE_I32 => (pos, pos.checked_add(4).ok_or("overflow")?),
            WIRE_LEN => {
                let len = usize::try_from(get_varint(msg, &mut pos)?)
                    .map_err(|_| "length too large".to_string())?;
                (pos, pos.checked_add(len).ok_or("overflow")?)
            }
            other => return Err(format!("unsupported protobuf wire type {other}")),
        };
        if end > msg.len() {
            return Err("truncated protobuf message".into());
        }
        pos = end;
        match edit(field, wire, &msg[payload_start..end])? {
            Edit::Keep => out.extend_from_slice(&msg[start..end]),
            Edit::Drop => {}
            Edit::Replace(new) => {
                put_varint(&mut out, key);
                put_varint(&mut out, new.len() as u64);
                out.extend_from_slice(&new);
            }
        }
    }
    Ok(out)
}

fn get_varint(buf: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *buf.get(*pos).ok_or("truncated varint")?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("varint longer than 10 bytes".into())
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len_field(field: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        put_varint(&mut out, u64::from(field << 3 | 2));
        put_varint(&mut out, payload.len() as u64);
        out.extend_from_slice(payload);
        out
    }

    fn dim_value(v: u64) -> Vec<u8> {
        let mut d = vec![(DIM_VALUE << 3) as u8];
        put_varint(&mut d, v);
        len_field(SHAPE_DIM, &d)
    }

    fn value_info(name: &str, dims: &[u64]) -> Vec<u8> {
        let shape: Vec<u8> = dims.iter().flat_map(|&v| dim_value(v)).collect();
        let mut tensor = vec![(1 << 3) as u8, 1]; // elem_type = FLOAT
        tensor.extend(len_field(TENSOR_SHAPE, &shape));
        let type_proto = len_field(TYPE_TENSOR, &tensor);
        let mut vi = len_field(1, name.as_bytes());
        vi.extend(len_field(VALUE_INFO_TYPE, &type_proto));
        vi
    }

    /// The dims of each graph input/output as strings ("10" or "io1_d0").
    fn dims_of(model: &[u8]) -> Vec<Vec<String>> {
        let mut all = Vec::new();
        let mut collect_io = |f, _, vi: &[u8]| {
            if f == GRAPH_INPUT || f == GRAPH_OUTPUT {
                let mut dims = Vec::new();
                let mut read_shape = |s: &[u8]| {
                    map_fields(s, &mut |_, _, d| {
                        map_fields(d, &mut |f, _, v| {
                            dims.push(if f == DIM_PARAM {
                                String::from_utf8_lossy(v).into_owned()
                            } else {
                                get_varint(v, &mut 0)?.to_string()
                            });
                            Ok(Edit::Keep)
                        })?;
                        Ok(Edit::Keep)
                    })
                };
                nested(vi, VALUE_INFO_TYPE, &mut |tp| {
                    nested(tp, TYPE_TENSOR, &mut |t| {
                        nested(t, TENSOR_SHAPE, &mut read_shape)
                    })
                })?;
                all.push(dims);
            }
            Ok(Edit::Keep)
        };
        let walked = map_fields(model, &mut |f, _, graph| {
            if f == MODEL_GRAPH {
                map_fields(graph, &mut collect_io)?;
            }
            Ok(Edit::Keep)
        });
        assert!(walked.is_ok(), "{walked:?}");
        all
    }

    fn model() -> Vec<u8> {
        let mut graph = len_field(1, b"node bytes stay as they are");
        graph.extend(len_field(
            GRAPH_INPUT,
            &value_info("input.1", &[10, 3, 32, 32]),
        ));
        graph.extend(len_field(
            GRAPH_OUTPUT,
            &value_info("537", &[10, 1, 300, 8]),
        ));
        let mut model = vec![(1 << 3) as u8, 7]; // ir_version
        model.extend(len_field(MODEL_GRAPH, &graph));
        model.extend(len_field(8, b"opset"));
        model
    }

    #[test]
    fn frees_selected_axes_only() {
        let original = model();
        assert_eq!(
            dims_of(&original),
            vec![vec!["10", "3", "32", "32"], vec!["10", "1", "300", "8"]]
        );
        let freed = free_io_axes(&original, &[0, 2, 3]).expect("rewrite");
        assert_eq!(
            dims_of(&freed),
            vec![
                vec!["io1_d0", "3", "io1_d2", "io1_d3"],
                vec!["io2_d0", "1", "io2_d2", "io2_d3"]
            ]
        );
        let no_change = free_io_axes(&original, &[]).expect("rewrite");
        assert_eq!(no_change, original);
    }

    #[test]
    fn rejects_truncated_input() {
        let original = model();
        assert!(free_io_axes(&original[..original.len() - 3], &[0]).is_err());
        assert!(free_io_axes(&[0xff], &[0]).is_err());
    }

    #[test]
    fn varint_roundtrip() {
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            let mut buf = Vec::new();
            put_varint(&mut buf, v);
            let mut pos = 0;
            assert_eq!(get_varint(&buf, &mut pos).ok(), Some(v));
            assert_eq!(pos, buf.len());
        }
    }
}
