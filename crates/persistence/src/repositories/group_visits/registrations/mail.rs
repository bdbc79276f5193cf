//! What a registration's change tells people (queued in the outbox by
//! [`Store::change_registrations`](super::change)).
use std::collections::HashSet;

use chrono::Duration;
use cxc_domain::notify::{Email, VisitFacts, VisitNote, Waitlisted};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::repositories::{
    Store,
    group_visits::calendar::{Audience, visit_facts},
    group_visits::{all_items, visit_start},
    outbox::Envelope,
};
use crate::{
    RepoResult,
    entities::{agenda_items, group_visits, registrations, users},
};

impl Store {
    /// Confirmation or promotion email, plus the start reminder for a whole-visit place.
    pub(crate) async fn tell_confirmed(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        activity: Option<&agenda_items::Model>,
        reg: &registrations::Model,
        user: &users::Model,
        kind: fn(VisitFacts) -> Email,
    ) -> RepoResult<()> {
        let email = kind(activity_facts(visit, activity));
        self.enqueue(tx, Envelope::to_user(user, email).about(reg.id))
            .await?;
        let remind_at = visit_start(visit) - Duration::days(3);
        if activity.is_none() && remind_at > self.now() {
            let email = Email::ReminderVisitStart(visit_facts(visit));
            let env = Envelope::to_user(user, email).about(reg.id).at(remind_at);
            self.enqueue(tx, env).await?;
        }
        Ok(())
    }

    /// The new registration waits, at this 1-based position.
    pub(crate) async fn tell_waitlisted(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        activity: Option<&agenda_items::Model>,
        reg: &registrations::Model,
        user: &users::Model,
        position: i64,
    ) -> RepoResult<()> {
        let email = Email::VisitRegistrationWaitlisted(Waitlisted {
            visit: activity_facts(visit, activity),
            position: u32::try_from(position).unwrap_or(u32::MAX),
        });
        self.enqueue(tx, Envelope::to_user(user, email).about(reg.id))
            .await
    }

    /// Tells the registrant their place is gone, with a `METHOD:CANCEL` calendar so the
    /// events imported from earlier attachments leave their calendar too.
    pub(crate) async fn tell_registration_cancelled(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        reg: &registrations::Model,
    ) -> RepoResult<()> {
        let Some(user) = users::Entity::find_by_id(reg.user_id)
            .filter(users::Column::ErasedAt.is_null())
            .one(tx)
            .await?
        else {
            return Ok(());
        };
        let activity = match reg.item_id {
            Some(i) => agenda_items::Entity::find_by_id(i).one(tx).await?,
            None => None,
        };
        let email = Email::VisitRegistrationCancelled(activity_facts(visit, activity.as_ref()));
        let mut env = Envelope::to_user(&user, email).about(reg.id);
        if let Some(ics) = self
            .cancelled_registration_ics(tx, visit, reg, &user)
            .await?
        {
            env = env.attach("cancel.ics", "text/calendar; method=CANCEL", ics);
        }
        self.enqueue(tx, env).await
    }

    /// One notice per person registered on a cancelled visit; confirmed participants of
    /// a published visit get their calendar with the events cancelled.
    pub(crate) async fn tell_visit_cancelled(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        regs: &[registrations::Model],
        comment: Option<&str>,
        audience: &Audience,
        was_published: bool,
    ) -> RepoResult<()> {
        let everyone: HashSet<Uuid> = regs.iter().map(|r| r.user_id).collect();
        let recipients = users::Entity::find()
            .filter(users::Column::Id.is_in(everyone))
            .filter(users::Column::ErasedAt.is_null())
            .all(tx)
            .await?;
        let all = all_items(tx, visit.id).await?;
        for user in recipients {
            let email = Email::VisitCancelled(VisitNote {
                visit: visit_facts(visit),
                comment: comment.map(str::to_owned),
            });
            let mut env = Envelope::to_user(&user, email).about(visit.id);
            if was_published && audience.places.contains_key(&user.id) {
                let ics = self.personal_calendar(visit, &all, |i| audience.attends(user.id, i));
                env = env.attach("agenda.ics", "text/calendar", ics);
            }
            self.enqueue(tx, env).await?;
        }
        Ok(())
    }
}

/// The visit's facts, naming the activity in the title of per-activity emails.
pub(crate) fn activity_facts(
    visit: &group_visits::Model,
    activity: Option<&agenda_items::Model>,
) -> VisitFacts {
    let mut facts = visit_facts(visit);
    if let Some(a) = activity {
        facts.visit_title = format!("{}: {}", facts.visit_title, a.title);
    }
    facts
}
