//! Straight-line distance between two organisations for the 200 km halving rule (R22).
//! The measuring method is UNCONFIRMED; like the Erasmus+ calculator (domain-rules §9) we
//! use the one-way great-circle distance.

/// Mean Earth radius (IUGG) in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine great-circle distance in km between two points given in decimal degrees.
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    // Rounding can push `a` a hair outside [0, 1] for antipodal points; clamp so asin is defined.
    2.0 * EARTH_RADIUS_KM * a.clamp(0.0, 1.0).sqrt().asin()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_distances() {
        // Copenhagen -> Madrid is about 2,070 km.
        let d = great_circle_km(55.6761, 12.5683, 40.4168, -3.7038);
        assert!((d - 2073.0).abs() < 15.0, "{d}");
        assert_eq!(great_circle_km(10.0, 20.0, 10.0, 20.0), 0.0);
        // A quarter of the meridian.
        let q = great_circle_km(0.0, 0.0, 90.0, 0.0);
        assert!((q - EARTH_RADIUS_KM * std::f64::consts::FRAC_PI_2).abs() < 1e-6);
    }

    proptest! {
        #[test]
        fn symmetric_and_non_negative(a in -90.0f64..=90.0, b in -180.0f64..=180.0,
                                      c in -90.0f64..=90.0, d in -180.0f64..=180.0) {
            let x = great_circle_km(a, b, c, d);
            let y = great_circle_km(c, d, a, b);
            prop_assert!(x >= 0.0);
            prop_assert!((x - y).abs() < 1e-6);
            prop_assert!(x <= EARTH_RADIUS_KM * std::f64::consts::PI + 1e-6);
        }
    }
}
