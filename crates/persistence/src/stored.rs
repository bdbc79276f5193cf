//! Typed JSON columns: an entity field `Stored<T>` is a JSON column that holds a `T`.
//!
//! Reading a stored value that does not fit `T` is a read error (`DbErr` → `RepoError::Db`,
//! a logged 500), never a default: an empty list read from a broken party snapshot would,
//! for instance, clear a conflict of interest. Writing serialises `T` with serde exactly as
//! `serde_json::to_value` did before, so the stored text of existing rows is unchanged.
//!
//! This is what sea-orm's `FromJsonQueryResult` derive generates, written once for every
//! `T` (the derive does not take generic types, and it `expect`s on serialisation).
use std::ops::{Deref, DerefMut};

use sea_orm::{
    ActiveValue, IntoActiveValue, TryGetableFromJson, Value,
    sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// A JSON column holding a `T` (same serde shape as `T` itself).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Stored<T>(pub T);

impl<T> Stored<T> {
    /// The value, out of its column.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Stored<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Stored<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Stored<T> {
    fn from(v: T) -> Self {
        Self(v)
    }
}

impl<T: DeserializeOwned> TryGetableFromJson for Stored<T> {}

impl<T: Serialize> From<Stored<T>> for Value {
    fn from(v: Stored<T>) -> Self {
        // Plain data always serialises; should a `T` ever fail (a map with non-string
        // keys), SQL NULL is written and the column's NOT NULL refuses the row, so the
        // write fails instead of storing something else.
        Value::Json(serde_json::to_value(&v.0).ok().map(Box::new))
    }
}

impl<T: Serialize + DeserializeOwned> ValueType for Stored<T> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::Json(Some(json)) => serde_json::from_value(*json).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        format!("Stored<{}>", std::any::type_name::<T>())
    }

    fn array_type() -> ArrayType {
        ArrayType::Json
    }

    fn column_type() -> ColumnType {
        ColumnType::Json
    }
}

impl<T> Nullable for Stored<T> {
    fn null() -> Value {
        Value::Json(None)
    }
}

impl<T: Serialize> IntoActiveValue<Stored<T>> for Stored<T> {
    fn into_active_value(self) -> ActiveValue<Stored<T>> {
        ActiveValue::Set(self)
    }
}
