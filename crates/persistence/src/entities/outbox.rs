//! `outbox` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub message_id: String,
    pub kind: cxc_domain::notify::EmailKind,
    pub to_email: String,
    pub to_name: Option<String>,
    pub to_user_id: Option<Uuid>,
    pub locale: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attachments: crate::Stored<Vec<cxc_domain::notify::Attachment>>,
    pub optional: bool,
    pub list_unsubscribe_url: Option<String>,
    pub subject_id: Option<Uuid>,
    pub status: cxc_domain::notify::OutboxStatus,
    pub attempts: i32,
    pub not_before: DateTimeUtc,
    pub locked_until: Option<DateTimeUtc>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
