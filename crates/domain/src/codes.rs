//! Closed sets of values stored as text (states, profiles, kinds): each enum spells itself
//! as one snake_case code, in the API, in the database and in emails.
//!
//! Reading a code that is not in the set is an error, never a default: a row with an
//! unknown state means the data or the code is wrong, and guessing hides it. With the
//! `sea-orm` feature (enabled by `cxc-persistence`) each enum is also a column type, so the
//! entities hold these enums and the storage layer never compares strings by hand.

/// A stored or received code that is not one of the set's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a known {what}")]
pub struct UnknownCode {
    /// What the set is (`application status`).
    pub what: &'static str,
    pub value: String,
}

/// An enum spelled as one code per value.
pub trait Code: Sized + Copy + 'static {
    /// What the set is, for error messages.
    const WHAT: &'static str;
    /// Every value, in declaration order.
    const ALL: &'static [Self];

    fn code(&self) -> &'static str;

    /// # Errors
    /// When `s` is not the code of any value.
    fn from_code(s: &str) -> Result<Self, UnknownCode> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.code() == s)
            .ok_or_else(|| UnknownCode {
                what: Self::WHAT,
                value: s.to_owned(),
            })
    }
}

/// Implements [`Code`] (from the enum's `ALL` and `as_str`), `Display` and `FromStr`.
#[macro_export]
macro_rules! impl_code {
    ($ty:ty, $what:literal) => {
        impl $crate::codes::Code for $ty {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &<$ty>::ALL;

            fn code(&self) -> &'static str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::codes::UnknownCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::codes::Code>::from_code(s)
            }
        }
    };
}

/// Declares a closed set stored as text: the enum with its serde spelling and (with the
/// `sea-orm` feature) its column type, `ALL` in declaration order, `as_str`, `parse`, and
/// [`Code`]/`Display`/`FromStr` through [`impl_code!`]. Each value names its code once, so
/// the API, the database and the emails cannot spell it differently.
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(
            feature = "sea-orm",
            derive(sea_orm::DeriveValueType),
            sea_orm(
                value_type = "String",
                from_str = "crate::codes::Code::from_code",
                to_str = "crate::codes::Code::code"
            )
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];

            /// The value's code.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $code, )+
                }
            }

            /// The value whose code is `s`, if any.
            #[must_use]
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }

        // A code can be part of a composite primary key (`organisation_tags.kind`);
        // it is never an auto-increment id.
        #[cfg(feature = "sea-orm")]
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
                Err(sea_orm::DbErr::ConvertFromU64(stringify!($name)))
            }
        }

        $crate::impl_code!($name, $what);
    };
}

#[cfg(test)]
#[path = "codes_tests.rs"]
mod tests;
