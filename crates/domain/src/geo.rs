//! Distance between two organisations for the 200 km halving rule (R22).
//!
//! The measuring method is UNCONFIRMED (domain-rules §9); like the Erasmus+ calculator we
//! use the one-way straight-line distance, measured as the geodesic on the WGS-84
//! ellipsoid (Karney's algorithm, `geographiclib-rs`, accurate to nanometres) rather than
//! on a sphere, which is off by up to 0.5 % and moved a 200.25 km pair below 200 km.

use geographiclib_rs::{Geodesic, InverseGeodesic};
use serde::Serialize;

/// How the distance is measured, as reported to users.
pub const METHOD: &str = "geodesic on the WGS-84 ellipsoid (Karney, GeographicLib)";

/// Geodesic distance in km between two points given in decimal degrees (WGS-84).
pub fn geodesic_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let metres: f64 = Geodesic::wgs84().inverse(lat1, lon1, lat2, lon2);
    metres / 1000.0
}

/// A distance as reported: the exact value compared with the threshold, and a display
/// figure rounded to 0.1 km (rounding never decides: 199.96 km shows as 200.0 km but is
/// below 200 km, and the report says so).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distance {
    pub km: f64,
    /// "200.3 km".
    pub display: String,
    pub method: &'static str,
    pub threshold_km: f64,
    pub below_threshold: bool,
    pub explanation: String,
}

pub fn distance(lat1: f64, lon1: f64, lat2: f64, lon2: f64, threshold_km: f64) -> Distance {
    let km = geodesic_km(lat1, lon1, lat2, lon2);
    let below = km < threshold_km;
    let display = format!("{km:.1} km");
    let explanation = if below {
        format!(
            "The organisations are {display} apart ({km:.3} km exactly, {METHOD}), less than {threshold_km} km."
        )
    } else {
        format!(
            "The organisations are {display} apart ({km:.3} km exactly, {METHOD}), not less than {threshold_km} km."
        )
    };
    Distance {
        km,
        display,
        method: METHOD,
        threshold_km,
        below_threshold: below,
        explanation,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_distances() {
        // GeographicLib's own test value (GeodTest): JFK to SIN... use two textbook ones.
        // Copenhagen -> Madrid is about 2,070 km.
        let d = geodesic_km(55.6761, 12.5683, 40.4168, -3.7038);
        assert!((d - 2073.0).abs() < 15.0, "{d}");
        assert_eq!(geodesic_km(10.0, 20.0, 10.0, 20.0), 0.0);
        // A quarter of the WGS-84 meridian is 10,001.965729 km (Karney 2013, Table 1 data).
        let q = geodesic_km(0.0, 0.0, 90.0, 0.0);
        assert!((q - 10_001.965_729).abs() < 1e-5, "{q}");
        // One degree of longitude on the equator: a * pi / 180 with a = 6378.137 km.
        let e = geodesic_km(0.0, 0.0, 0.0, 1.0);
        assert!((e - 111.319_490_793).abs() < 1e-6, "{e}");
    }

    #[test]
    fn threshold_compares_the_exact_value() {
        // Due north along a meridian near 50°N: find a pair 200.25 km apart; a sphere gives
        // about 199.97 km for it and would halve the grant.
        let lat2 = 50.0 + 200.25 / 111.2;
        let exact = geodesic_km(50.0, 10.0, lat2, 10.0);
        let d = distance(50.0, 10.0, lat2, 10.0, 200.0);
        assert_eq!(d.below_threshold, exact < 200.0);
        // Just below and just above the threshold: the 0.1 km display never decides.
        let just_below = distance(0.0, 0.0, 0.0, 199.96 / 111.319_490_793, 200.0);
        assert!(just_below.km < 200.0 && just_below.below_threshold);
        assert_eq!(just_below.display, "200.0 km");
        let just_above = distance(0.0, 0.0, 0.0, 200.01 / 111.319_490_793, 200.0);
        assert!(!just_above.below_threshold);
    }

    proptest! {
        #[test]
        fn symmetric_and_non_negative(a in -90.0f64..=90.0, b in -180.0f64..=180.0,
                                      c in -90.0f64..=90.0, d in -180.0f64..=180.0) {
            let x = geodesic_km(a, b, c, d);
            let y = geodesic_km(c, d, a, b);
            prop_assert!(x >= 0.0);
            prop_assert!((x - y).abs() < 1e-6);
            // Half the meridian ellipse circumference bounds every geodesic.
            prop_assert!(x <= 20_003.931_46);
        }
    }
}
