//! `#[serde(flatten)]` as JSON Schema: utoipa writes a flattened struct as `allOf` of the
//! inner schema and the outer fields. When the inner struct denies unknown fields
//! (`additionalProperties: false`), no instance can satisfy both branches, since each
//! branch rejects the other's properties. serde itself merges the fields into one object,
//! so the document does the same: one object with the union of the properties and of the
//! required names, closed if any part was closed.
use std::collections::BTreeMap;

use utoipa::openapi::{
    RefOr,
    schema::{AdditionalProperties, Object, Schema},
};

/// Replaces every component schema that is an `allOf` of plain objects by their merge.
pub fn merge_all_of(schemas: &mut BTreeMap<String, RefOr<Schema>>) {
    let merged: Vec<(String, Object)> = schemas
        .iter()
        .filter_map(|(name, s)| match s {
            RefOr::T(Schema::AllOf(all)) => {
                let mut out = Object::new();
                out.description = all.description.clone();
                for item in &all.items {
                    let part = match item {
                        RefOr::T(Schema::Object(o)) => o,
                        RefOr::Ref(r) => match r
                            .ref_location
                            .strip_prefix("#/components/schemas/")
                            .and_then(|n| schemas.get(n))
                        {
                            Some(RefOr::T(Schema::Object(o))) => o,
                            _ => return None,
                        },
                        _ => return None,
                    };
                    out.properties.extend(part.properties.clone());
                    for r in &part.required {
                        if !out.required.contains(r) {
                            out.required.push(r.clone());
                        }
                    }
                    if matches!(
                        part.additional_properties.as_deref(),
                        Some(AdditionalProperties::FreeForm(false))
                    ) {
                        out.additional_properties =
                            Some(Box::new(AdditionalProperties::FreeForm(false)));
                    }
                }
                out.schema_type = utoipa::openapi::schema::SchemaType::Type(
                    utoipa::openapi::schema::Type::Object,
                );
                Some((name.clone(), out))
            }
            _ => None,
        })
        .collect();
    for (name, object) in merged {
        schemas.insert(name, RefOr::T(Schema::Object(object)));
    }
}
