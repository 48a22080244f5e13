//! Head pose: the rotation that best carries a generic 3-D face onto the mesh's 3-D points.

use serde::{Deserialize, Serialize};

use crate::rigid3::{fit_rotation, to_euler};

/// Head rotation in degrees, in image terms (x right, y down, z away from the camera).
/// All zero for a face looking straight at the camera, upright.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeadPose {
    /// Turn about the vertical axis; positive when the nose moves towards the image's right.
    pub yaw: f32,
    /// Nod; positive when the face looks up (the nose moves up in the image).
    pub pitch: f32,
    /// In-plane tilt; positive when the face turns clockwise in the image (the eye on the
    /// image's right goes down).
    pub roll: f32,
}

/// Mesh index and position on a generic frontal face (arbitrary units; x right, y down, z away
/// from the camera, nose tip at the origin). Proportions of the usual 6-point head model:
/// the rigid points of the face, not the eyelids or lips that move when blinking or talking.
pub(crate) const GENERIC_FACE: [(usize, [f64; 3]); 6] = [
    (1, [0.0, 0.0, 0.0]),          // nose tip
    (152, [0.0, 330.0, 65.0]),     // chin
    (33, [-225.0, -170.0, 135.0]), // outer corner of the eye on the image's left
    (263, [225.0, -170.0, 135.0]), // outer corner of the eye on the image's right
    (61, [-150.0, 150.0, 125.0]),  // mouth corner on the image's left
    (291, [150.0, 150.0, 125.0]),  // mouth corner on the image's right
];

/// Pose of mesh `points` (image x, y and a depth z on the same scale); `None` when a needed
/// point is missing or the points are degenerate.
pub(crate) fn head_pose(points: &[[f32; 3]]) -> Option<HeadPose> {
    let mut model = Vec::with_capacity(GENERIC_FACE.len());
    let mut seen = Vec::with_capacity(GENERIC_FACE.len());
    for &(index, generic) in &GENERIC_FACE {
        let p = points.get(index)?;
        model.push(generic);
        seen.push(p.map(f64::from));
    }
    let r = fit_rotation(&model, &seen)?;
    // R = Rz(roll) Ry(-yaw) Rx(-pitch): the signs turn the right-handed angles into the
    // documented image-terms ones.
    let (rx, ry, rz) = to_euler(&r);
    Some(HeadPose {
        yaw: (-ry).to_degrees() as f32,
        pitch: (-rx).to_degrees() as f32,
        roll: rz.to_degrees() as f32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rigid3::{apply, from_euler};

    /// A 468-point cloud with the generic face posed by `(rx, ry, rz)`, scaled and shifted.
    fn posed(rx: f64, ry: f64, rz: f64) -> Vec<[f32; 3]> {
        let r = from_euler(rx, ry, rz);
        let mut points = vec![[0.0f32; 3]; 468];
        for &(index, p) in &GENERIC_FACE {
            let q = apply(&r, p);
            points[index] = [
                (0.2 * q[0] + 300.0) as f32,
                (0.2 * q[1] + 200.0) as f32,
                (0.2 * q[2]) as f32,
            ];
        }
        points
    }

    #[test]
    fn frontal_face_is_zero_and_angles_are_recovered() {
        let pose = head_pose(&posed(0.0, 0.0, 0.0)).expect("pose");
        assert!(pose.yaw.abs() < 1e-3 && pose.pitch.abs() < 1e-3 && pose.roll.abs() < 1e-3);
        let (rx, ry, rz) = (0.2f64, -0.4f64, 0.1f64);
        let pose = head_pose(&posed(rx, ry, rz)).expect("pose");
        assert!(
            (pose.pitch + rx.to_degrees() as f32).abs() < 1e-2,
            "{pose:?}"
        );
        assert!((pose.yaw + ry.to_degrees() as f32).abs() < 1e-2, "{pose:?}");
        assert!(
            (pose.roll - rz.to_degrees() as f32).abs() < 1e-2,
            "{pose:?}"
        );
    }

    /// The nose tip relative to the centroid of the pose points.
    fn nose_offset(p: &[[f32; 3]]) -> [f32; 2] {
        let n = GENERIC_FACE.len() as f32;
        let (mx, my) = GENERIC_FACE.iter().fold((0.0, 0.0), |(x, y), &(i, _)| {
            (x + p[i][0] / n, y + p[i][1] / n)
        });
        [p[1][0] - mx, p[1][1] - my]
    }

    #[test]
    fn signs_follow_the_image() {
        let frontal = nose_offset(&posed(0.0, 0.0, 0.0));
        // The nose is nearer the camera than the face's centre, so it leads a turn or nod.
        for ry in [0.3, -0.3] {
            let pts = posed(0.0, ry, 0.0);
            let pose = head_pose(&pts).expect("pose");
            let dx = nose_offset(&pts)[0] - frontal[0];
            assert_eq!(pose.yaw > 0.0, dx > 0.0, "{pose:?} dx {dx}");
        }
        for rx in [0.3, -0.3] {
            let pts = posed(rx, 0.0, 0.0);
            let pose = head_pose(&pts).expect("pose");
            let dy = nose_offset(&pts)[1] - frontal[1];
            assert_eq!(pose.pitch > 0.0, dy < 0.0, "{pose:?} dy {dy}");
        }
        let tilted = posed(0.0, 0.0, 0.2);
        let pose = head_pose(&tilted).expect("pose");
        let frontal_eye = posed(0.0, 0.0, 0.0)[263][1];
        assert!(pose.roll > 0.0 && tilted[263][1] > frontal_eye, "{pose:?}");
    }

    #[test]
    fn too_few_points_give_none() {
        assert!(head_pose(&[[0.0; 3]; 10]).is_none());
        assert!(head_pose(&vec![[1.0; 3]; 468]).is_none());
    }
}
