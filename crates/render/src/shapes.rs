//! SVG geometry of the node shapes and family markers of [`crate::style`].

use crate::style::{Marker, Shape};
use crate::xml::num;

fn polygon(points: &[(f64, f64)]) -> String {
    let mut d = String::from("M");
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            d.push('L');
        }
        d.push_str(&num(*x));
        d.push(' ');
        d.push_str(&num(*y));
    }
    d.push('Z');
    d
}

fn regular(cx: f64, cy: f64, r: f64, n: usize, start_deg: f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let a = (start_deg + 360.0 * i as f64 / n as f64).to_radians();
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect()
}

/// The element (no closing attributes) drawing `shape` of radius `r` at (cx, cy): returns
/// the opening of an element such as `<circle cx=.. cy=.. r=..` or `<path d=..`, to which
/// the caller appends its paint attributes and `/>`.
pub fn shape_open(shape: Shape, cx: f64, cy: f64, r: f64) -> String {
    match shape {
        Shape::Circle => format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"",
            num(cx),
            num(cy),
            num(r)
        ),
        Shape::Square => {
            let s = r * 0.9;
            format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
                num(cx - s),
                num(cy - s),
                num(2.0 * s),
                num(2.0 * s)
            )
        }
        Shape::Diamond => format!(
            "<path d=\"{}\"",
            polygon(&regular(cx, cy, r * 1.2, 4, -90.0))
        ),
        Shape::TriangleUp => format!(
            "<path d=\"{}\"",
            polygon(&regular(cx, cy + r * 0.2, r * 1.3, 3, -90.0))
        ),
        Shape::TriangleDown => format!(
            "<path d=\"{}\"",
            polygon(&regular(cx, cy - r * 0.2, r * 1.3, 3, 90.0))
        ),
        Shape::Hexagon => format!("<path d=\"{}\"", polygon(&regular(cx, cy, r * 1.1, 6, 0.0))),
    }
}

/// The same for a family marker.
pub fn marker_open(marker: Marker, cx: f64, cy: f64, r: f64) -> String {
    shape_open(
        match marker {
            Marker::Circle => Shape::Circle,
            Marker::Square => Shape::Square,
            Marker::Diamond => Shape::Diamond,
            Marker::Triangle => Shape::TriangleUp,
        },
        cx,
        cy,
        r,
    )
}
