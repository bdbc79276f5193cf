//! Creating and editing drafts.
use chrono::NaiveDate;
use cxc_domain::{
    policy::AppAction,
    workflow::{HostResponse, Status},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ParticipantData, history};
use crate::{
    RepoError, RepoResult, Stored,
    entities::{applications, calls, organisations, partnership_members},
    repositories::{Store, accounts::Caller, new_id},
};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplicationInput {
    pub organisation_id: Uuid,
    pub participant: ParticipantData,
    pub host_organisation_id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub travel_days: Vec<NaiveDate>,
    pub objectives: String,
    pub activities: Vec<String>,
    pub sectors: Vec<String>,
}

/// Fields a draft may change; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct ApplicationPatch {
    pub participant: Option<ParticipantData>,
    pub host_organisation_id: Option<Uuid>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub travel_days: Option<Vec<NaiveDate>>,
    pub objectives: Option<String>,
    pub activities: Option<Vec<String>>,
    pub sectors: Option<Vec<String>>,
}

impl Store {
    /// The visiting organisation's partnership must be the call's (or unset: the call's
    /// partnership then manages the exchange).
    async fn check_parties(
        &self,
        call: &calls::Model,
        visitor: Uuid,
        host: Uuid,
    ) -> RepoResult<(organisations::Model, organisations::Model)> {
        let mut problems = Vec::new();
        // Both organisations in one query.
        let orgs = self.organisations(&[visitor, host]).await?;
        let find = |id: Uuid| orgs.iter().find(|o| o.id == id).cloned();
        let (v, h) = (find(visitor), find(host));
        if v.is_none() {
            problems.push(crate::Problem::new(
                "organisation_id",
                "unknown_organisation",
                "no organisation with this id",
            ));
        }
        if h.is_none() {
            problems.push(crate::Problem::new(
                "host_organisation_id",
                "unknown_organisation",
                "no organisation with this id",
            ));
        }
        if visitor == host {
            problems.push(crate::Problem::new(
                "host_organisation_id",
                "same_organisation",
                "an organisation cannot host itself",
            ));
        }
        if let Some(v) = &v {
            let member = partnership_members::Entity::find_by_id((call.partnership_id, v.id))
                .one(&self.db.conn)
                .await?
                .is_some();
            if v.managing_partnership_id
                .is_some_and(|p| p != call.partnership_id)
                && !member
            {
                problems.push(crate::Problem::new(
                    "organisation_id",
                    "wrong_partnership",
                    "this organisation is managed by another partnership; apply in one of its calls",
                ));
            }
        }
        match (v, h) {
            (Some(v), Some(h)) if problems.is_empty() => Ok((v, h)),
            _ => Err(RepoError::Invalid(problems)),
        }
    }

    /// Files a draft in a call for a visiting organisation the caller is a contact of.
    /// Admins are no exception: the filer becomes the applicant party (submits, signs the
    /// commitment for the visitor, reports), which an overseer must not be.
    ///
    /// # Errors
    /// `NotFound` (call), `Forbidden` (not a contact), `Invalid` (organisations).
    pub async fn create_application(
        &self,
        caller: &Caller,
        call_id: Uuid,
        input: &ApplicationInput,
    ) -> RepoResult<applications::Model> {
        let call = self.call(call_id).await?;
        if !self.is_contact(input.organisation_id, caller.id()).await? {
            if organisations::Entity::find_by_id(input.organisation_id)
                .one(&self.db.conn)
                .await?
                .is_none()
            {
                return Err(RepoError::invalid(
                    "organisation_id",
                    "unknown_organisation",
                    "no organisation with this id",
                ));
            }
            return Err(RepoError::Forbidden(
                "only a contact of the visiting organisation may apply for it".into(),
            ));
        }
        let (visitor, host) = self
            .check_parties(&call, input.organisation_id, input.host_organisation_id)
            .await?;
        let now = self.now();
        let tx = self.db.write().await?;
        let model = applications::ActiveModel {
            id: Set(new_id()),
            call_id: Set(call.id),
            partnership_id: Set(call.partnership_id),
            host_partnership_id: Set(host.managing_partnership_id.unwrap_or(call.partnership_id)),
            applicant_id: Set(caller.id()),
            organisation_id: Set(visitor.id),
            host_organisation_id: Set(host.id),
            visitor_country: Set(visitor.country.clone()),
            host_country: Set(host.country.clone()),
            participant: Set(Stored(input.participant.clone())),
            start_date: Set(input.start_date),
            end_date: Set(input.end_date),
            travel_days: Set(Stored(input.travel_days.clone())),
            objectives: Set(input.objectives.clone()),
            activities: Set(Stored(input.activities.clone())),
            sectors: Set(Stored(input.sectors.clone())),
            primary_sector: Set(input.sectors.first().cloned()),
            status: Set(Status::Draft),
            host_response: Set(HostResponse::Pending),
            grant_cents: Set(None),
            working_days: Set(None),
            distance_km: Set(None),
            eligibility: Set(None),
            submitted_at: Set(None),
            decided_at: Set(None),
            validated_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            anonymised_at: Set(None),
        }
        .insert(&tx.tx)
        .await?;
        history::append_first(&tx.tx, model.id, Status::Draft, caller.id(), now).await?;
        tx.commit().await?;
        Ok(model)
    }

    /// Edits a draft (applicant side, `If-Match`).
    ///
    /// # Errors
    /// `Forbidden`, `Stale`, `Conflict` (not a draft), `Invalid`.
    pub async fn patch_application(
        &self,
        caller: &Caller,
        id: Uuid,
        version: i32,
        p: ApplicationPatch,
    ) -> RepoResult<applications::Model> {
        let (app, _) = self.acting(caller, id, AppAction::Edit).await?;
        if app.version != version {
            return Err(RepoError::Stale {
                current: app.version,
            });
        }
        if app.status != Status::Draft {
            return Err(RepoError::conflict(
                "not_draft",
                format!(
                    "only drafts can be edited; this application is {}",
                    app.status
                ),
            ));
        }
        let mut am = applications::ActiveModel {
            ..Default::default()
        };
        if let Some(h) = p.host_organisation_id {
            let call = self.call(app.call_id).await?;
            let (_, host) = self.check_parties(&call, app.organisation_id, h).await?;
            am.host_organisation_id = Set(host.id);
            am.host_country = Set(host.country.clone());
            am.host_partnership_id =
                Set(host.managing_partnership_id.unwrap_or(call.partnership_id));
        }
        if let Some(x) = p.participant {
            am.participant = Set(Stored(x));
        }
        if let Some(x) = p.start_date {
            am.start_date = Set(x);
        }
        if let Some(x) = p.end_date {
            am.end_date = Set(x);
        }
        if let Some(x) = p.travel_days {
            am.travel_days = Set(Stored(x));
        }
        if let Some(x) = p.objectives {
            am.objectives = Set(x);
        }
        if let Some(x) = p.activities {
            am.activities = Set(Stored(x));
        }
        if let Some(x) = p.sectors {
            am.primary_sector = Set(x.first().cloned());
            am.sectors = Set(Stored(x));
        }
        am.version = Set(version + 1);
        am.updated_at = Set(self.now());
        let tx = self.db.write().await?;
        let res = applications::Entity::update_many()
            .set(am)
            .filter(applications::Column::Id.eq(id))
            .filter(applications::Column::Version.eq(version))
            .filter(applications::Column::Status.eq(Status::Draft.as_str()))
            .exec(&tx.tx)
            .await?;
        let current = applications::Entity::find_by_id(id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        if res.rows_affected == 0 {
            return Err(RepoError::Stale {
                current: current.version,
            });
        }
        tx.commit().await?;
        Ok(current)
    }
}
