//! One path for every state change of an application. [`Store::act`] takes the action
//! (with what it needs), the actor and the comment, and in one write transaction:
//!
//! 1. reads the application under its row lock (`FOR UPDATE` on PostgreSQL; SQLite's
//!    writer lock) with its parties and asks the access policy at once: an application
//!    that does not exist or that the caller may not see is 404 before any other answer,
//!    and two requests of one person cannot both pass a check that the first one's change
//!    would have failed;
//! 2. judges the action's own checks and makes the one conditional update
//!    (`WHERE status IN (…) [AND version = ?]`), both from the row read under the lock;
//! 3. applies the action's own writes (reservation, report, payment, signature, the
//!    parties snapshot at submission);
//! 4. appends the hash-chained history entry;
//! 5. queues the emails (transactional outbox) and drops scheduled ones that died;
//! 6. commits.
//!
//! The public methods (`review_application`, `withdraw_application`, `submit_report`,
//! `record_payment`, …) describe the change; its own checks of the row (a report too
//! early, a second payment, an amount above the grant) are judged under the lock
//! (`Store::judge`). Those that need more than the row before the transaction (the
//! eligibility of `decide` and `submit_application`, which reads the call and the
//! organisations; `sign_commitment`'s first answer of who may sign) read it once more
//! with `acting()`, which answers 404 first as well.
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use cxc_domain::{
    eligibility::ExchangeReport,
    notify::{
        Commitment, Email, EmailKind, ExchangeFacts, HostAnswer, PaymentOverdue, PaymentRecorded,
        ReportDue,
    },
    policy::{self, AppAction, Signatures},
    workflow::{Action, HostResponse, Signatory, Status, host_may_respond, next, sources},
};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    prelude::Expr,
};
use uuid::Uuid;

use super::{ReportInput, history, note, parties, status_in, transition_with};
use crate::{
    Backend, Problem, RepoError, RepoResult, Stored,
    entities::{applications, calls, closing_reports, commitments, organisations, payments},
    repositories::{Store, accounts::Caller, outbox::Envelope},
};

/// A submission: the eligibility results and what the evaluation read that the emails
/// name (both organisations, the call's title).
pub(crate) struct Submission {
    pub report: ExchangeReport,
    pub orgs: Vec<organisations::Model>,
    pub call_title: String,
}

/// Scheduled mail that dies with the exchange.
const SCHEDULED: [EmailKind; 3] = [
    EmailKind::ReminderExchangeStart,
    EmailKind::ReportDue,
    EmailKind::PaymentOverdue,
];

/// A state change and what it needs.
pub(crate) enum Act {
    /// `draft → submitted` with the eligibility results; records the parties.
    Submit(Box<Submission>),
    /// The host's one answer.
    HostRespond {
        accept: bool,
    },
    Review,
    /// Approve (with the grant to reserve), reject or waitlist, at a version.
    Decide {
        action: Action,
        version: i32,
        call: Box<calls::Model>,
        grant: Option<i64>,
    },
    /// Withdraw or cancel from the state read under the lock; frees a reservation.
    End {
        action: Action,
    },
    /// One Commitment-to-Quality signature; the first brings goals and agenda.
    Sign {
        goals: Option<String>,
        agenda: Option<String>,
    },
    Report(ReportInput),
    Validate,
    Pay {
        paid_on: NaiveDate,
        amount_cents: i64,
    },
}

impl Act {
    /// What the policy is asked.
    fn policy(&self) -> AppAction {
        match self {
            Self::Submit(_) => AppAction::Submit,
            Self::HostRespond { .. } => AppAction::RespondAsHost,
            Self::Review => AppAction::Review,
            Self::Decide { .. } => AppAction::Decide,
            Self::End {
                action: Action::Withdraw,
                ..
            } => AppAction::Withdraw,
            Self::End { .. } => AppAction::Cancel,
            // Signing has its own rule (policy::signatory), asked once the
            // commitment is read under the lock.
            Self::Sign { .. } => AppAction::Read,
            Self::Report(_) => AppAction::Report,
            Self::Validate => AppAction::ValidateReport,
            Self::Pay { .. } => AppAction::Pay,
        }
    }
}

/// Who receives a message about the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum To {
    Applicant,
    HostContacts,
    VopCoordinators,
    HopCoordinators,
}

/// Builds one typed email from the exchange's facts (read once per change).
type Compose = Box<dyn Fn(&ExchangeFacts) -> Email + std::marker::Send + Sync>;

/// One kind of message to a set of recipients (each person once).
pub(crate) struct Send {
    compose: Compose,
    to: Vec<To>,
    at: Option<DateTime<Utc>>,
    /// Nobody is told about what they just did themselves.
    skip_actor: bool,
}

impl Send {
    fn new(
        to: &[To],
        compose: impl Fn(&ExchangeFacts) -> Email + std::marker::Send + Sync + 'static,
    ) -> Self {
        Self {
            compose: Box::new(compose),
            to: to.to_vec(),
            at: None,
            skip_actor: false,
        }
    }

    /// A message about the exchange with the actor's comment.
    fn noted(
        to: &[To],
        kind: fn(cxc_domain::notify::ApplicationNote) -> Email,
        comment: Option<&str>,
    ) -> Self {
        let comment = comment.map(str::to_owned);
        Self::new(to, move |f| kind(note(f, comment.as_deref())))
    }

    fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = Some(at);
        self
    }
}

/// What a change produced.
pub struct Outcome {
    pub app: applications::Model,
    /// The commitment after a signature.
    pub commitment: Option<commitments::Model>,
}

/// What the action's own step adds to the history entry and the mail.
struct Done {
    app: applications::Model,
    note: Option<String>,
    sends: Vec<Send>,
    commitment: Option<commitments::Model>,
    unschedule: &'static [EmailKind],
}

impl Store {
    /// The one path of a state change (see the module documentation).
    ///
    /// # Errors
    /// The policy's denial, `Stale`, `Conflict` (state moved on, budget), `Invalid`.
    pub(crate) async fn act(
        &self,
        caller: &Caller,
        id: Uuid,
        act: Act,
        comment: Option<&str>,
    ) -> RepoResult<Outcome> {
        let mut act = act;
        // What a submission's evaluation already read for the emails.
        let known = match &mut act {
            Act::Submit(s) => Some((
                std::mem::take(&mut s.orgs),
                std::mem::take(&mut s.call_title),
            )),
            _ => None,
        };
        let tx = self.db.write().await?;
        // 1. Read under the lock, then the policy: nothing is judged or written before it.
        let read = applications::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let (_, parties, stored) = parties::check_read(&tx.tx, caller, &read, act.policy()).await?;
        if let Act::Submit(_) = act {
            self.before_submit(&tx.tx, &read).await?;
        }
        self.judge(&read, &act)?;
        // 2. The one conditional update, from the state read.
        let locked = update(&tx.tx, &read, &act, self.now()).await?;
        if let Act::Submit(_) = act {
            // Who acts for each side now, from what the policy check just read.
            parties::record(&tx.tx, &locked, self.now(), stored).await?;
        }
        let done = self
            .apply(&tx.tx, caller, &read, locked, &parties, act, comment)
            .await?;
        let Done {
            app,
            note,
            sends,
            commitment,
            unschedule,
        } = done;
        if !unschedule.is_empty() {
            self.unschedule(&tx.tx, id, unschedule).await?;
        }
        history::append(
            &tx.tx,
            id,
            Some(read.status),
            app.status,
            caller.id(),
            note.as_deref().or(comment),
            self.now(),
        )
        .await?;
        self.send(&tx.tx, caller, &app, sends, known).await?;
        tx.commit().await?;
        Ok(Outcome { app, commitment })
    }

    /// The action's own checks of the application as read under the lock, before its
    /// state is: the report after the exchange, one payment within the grant.
    fn judge(&self, read: &applications::Model, act: &Act) -> RepoResult<()> {
        match act {
            Act::Report(_) if self.today() <= read.end_date => Err(RepoError::conflict(
                "report_too_early",
                format!(
                    "the closing report is due after the exchange ends ({})",
                    read.end_date
                ),
            )),
            Act::Pay {
                paid_on,
                amount_cents,
            } => {
                if read.status == Status::Paid {
                    return Err(RepoError::conflict(
                        "already_paid",
                        "this exchange has already been paid; only one payment is allowed",
                    ));
                }
                let grant = read.grant_cents.unwrap_or(0);
                if *amount_cents <= 0 || *amount_cents > grant {
                    return Err(RepoError::invalid(
                        "amount_cents",
                        "invalid_amount",
                        format!("the payment must be between 1 and the grant of {grant} cents"),
                    ));
                }
                cxc_domain::plausible::payment_date(*paid_on, read.end_date, self.today())
                    .map_err(|e| RepoError::invalid("paid_on", e.code, e.message))
            }
            _ => Ok(()),
        }
    }

    /// Submission is serialised per visiting organisation so "visits once" holds.
    async fn before_submit<C: ConnectionTrait>(
        &self,
        conn: &C,
        app: &applications::Model,
    ) -> RepoResult<()> {
        if self.db.backend() == Backend::Postgres {
            organisations::Entity::find_by_id(app.organisation_id)
                .lock_exclusive()
                .one(conn)
                .await?;
        }
        if let Some(other) = super::submit::previous_visits(conn, app.organisation_id, Some(app.id))
            .await?
            .first()
        {
            return Err(RepoError::invalid(
                "organisation_id",
                "visit_once",
                format!(
                    "This organisation has already taken part as a visiting organisation (exchange {other}). An organisation may visit only once."
                ),
            ));
        }
        Ok(())
    }

    /// 3. The action's own writes, and what it sends.
    #[allow(clippy::too_many_arguments, clippy::too_many_lines)]
    async fn apply<C: ConnectionTrait>(
        &self,
        conn: &C,
        caller: &Caller,
        read: &applications::Model,
        app: applications::Model,
        parties: &policy::Parties,
        act: Act,
        comment: Option<&str>,
    ) -> RepoResult<Done> {
        use To::{Applicant, HostContacts, VopCoordinators};
        let mut done = Done {
            app,
            note: None,
            sends: Vec::new(),
            commitment: None,
            unschedule: &[],
        };
        match act {
            Act::Submit(_) => {
                done.sends = vec![
                    Send::new(&[Applicant], |f| Email::ApplicationSubmitted(f.clone())),
                    Send::new(&[VopCoordinators], |f| {
                        Email::ApplicationSubmittedCoordinator(f.clone())
                    }),
                    Send::new(&[HostContacts], |f| Email::HostResponseRequested(f.clone())),
                ];
            }
            Act::HostRespond { accept } => {
                done.note = Some(format!(
                    "host {}{}",
                    if accept { "accepted" } else { "declined" },
                    comment.map(|c| format!(": {c}")).unwrap_or_default()
                ));
                let comment = comment.map(str::to_owned);
                done.sends = vec![Send::new(&[Applicant], move |f| {
                    Email::HostResponse(HostAnswer {
                        exchange: f.clone(),
                        accepted: accept,
                        comment: comment.clone(),
                    })
                })];
            }
            Act::Review => {}
            Act::Decide {
                action,
                call,
                grant,
                ..
            } => {
                if let Some(g) = grant {
                    super::decide::reserve(conn, &call, g).await?;
                }
                let kind = match action {
                    Action::Approve => Email::DecisionApproved,
                    Action::Reject => Email::DecisionRejected,
                    _ => Email::DecisionWaitlisted,
                };
                done.sends = vec![Send::noted(&[Applicant], kind, comment)];
                if action == Action::Approve {
                    done.sends.extend(approval_schedule(&done.app, self.now()));
                }
            }
            Act::End { action } => {
                let from = read.status;
                if from.holds_reservation() {
                    super::decide::release(conn, read.call_id, read.grant_cents.unwrap_or(0))
                        .await?;
                }
                done.unschedule = &SCHEDULED;
                let kind = if action == Action::Withdraw {
                    Email::ApplicationWithdrawn
                } else {
                    Email::ApplicationCancelled
                };
                let to: &[To] = if from == Status::Draft {
                    &[Applicant]
                } else {
                    &[Applicant, HostContacts, VopCoordinators]
                };
                done.sends = vec![Send::noted(to, kind, comment)];
            }
            Act::Sign { goals, agenda } => {
                return self
                    .sign(conn, caller, done.app, parties, goals, agenda)
                    .await;
            }
            Act::Report(r) => {
                closing_reports::ActiveModel {
                    application_id: Set(read.id),
                    summary: Set(r.summary),
                    outcomes: Set(r.outcomes),
                    would_recommend: Set(r.would_recommend),
                    evidence: Set(Stored(r.evidence)),
                    submitted_at: Set(self.now()),
                    validated_by: Set(None),
                    validated_at: Set(None),
                }
                .insert(conn)
                .await?;
                // The exchange took place and is reported: its reminders have nothing left to say.
                done.unschedule = &[EmailKind::ReportDue, EmailKind::ReminderExchangeStart];
            }
            Act::Validate => {
                let now = self.now();
                closing_reports::Entity::update_many()
                    .col_expr(
                        closing_reports::Column::ValidatedBy,
                        Expr::value(caller.id()),
                    )
                    .col_expr(closing_reports::Column::ValidatedAt, Expr::value(now))
                    .filter(closing_reports::Column::ApplicationId.eq(read.id))
                    .exec(conn)
                    .await?;
                done.sends = vec![
                    Send::noted(&[Applicant], Email::ReportValidated, comment),
                    Send::new(&[VopCoordinators], |f| {
                        Email::PaymentOverdue(PaymentOverdue {
                            exchange: f.clone(),
                            days_overdue: 10,
                        })
                    })
                    .at(now + Duration::days(10)),
                ];
            }
            Act::Pay {
                paid_on,
                amount_cents,
            } => {
                // A second payment is `already_paid` (`constraints::UNIQUE`).
                payments::ActiveModel {
                    application_id: Set(read.id),
                    paid_on: Set(paid_on),
                    amount_cents: Set(amount_cents),
                    recorded_by: Set(caller.id()),
                    created_at: Set(self.now()),
                }
                .insert(conn)
                .await?;
                calls::Entity::update_many()
                    .col_expr(
                        calls::Column::BudgetPaidCents,
                        Expr::col(calls::Column::BudgetPaidCents).add(amount_cents),
                    )
                    .filter(calls::Column::Id.eq(read.call_id))
                    .exec(conn)
                    .await?;
                done.unschedule = &[EmailKind::PaymentOverdue];
                done.sends = vec![Send::new(&[Applicant], move |f| {
                    Email::PaymentRecorded(PaymentRecorded {
                        exchange: f.clone(),
                        amount_cents,
                        paid_on,
                    })
                })];
            }
        }
        Ok(done)
    }

    /// A signature: the policy names the party (different people for the four), the
    /// first signer states goals and agenda, the fourth commits the exchange.
    #[allow(clippy::too_many_arguments)]
    async fn sign<C: ConnectionTrait>(
        &self,
        conn: &C,
        caller: &Caller,
        app: applications::Model,
        parties: &policy::Parties,
        goals: Option<String>,
        agenda: Option<String>,
    ) -> RepoResult<Done> {
        let existing = commitments::Entity::find_by_id(app.id).one(conn).await?;
        let signed = existing.as_ref().map(signatures).unwrap_or_default();
        let party = policy::signatory(&caller.actor, parties, &signed)?;
        let c = match existing {
            Some(c) => c,
            None => first_commitment(conn, app.id, goals, agenda).await?,
        };
        let now = self.now();
        let me = Set(Some(caller.id()));
        let mut am: commitments::ActiveModel = c.clone().into();
        match party {
            Signatory::Visitor => {
                (am.visitor_signed_by, am.visitor_signed_at) = (me, Set(Some(now)))
            }
            Signatory::Host => (am.host_signed_by, am.host_signed_at) = (me, Set(Some(now))),
            Signatory::Vop => (am.vop_signed_by, am.vop_signed_at) = (me, Set(Some(now))),
            Signatory::Hop => (am.hop_signed_by, am.hop_signed_at) = (me, Set(Some(now))),
        }
        am.version = Set(c.version + 1);
        let c = am.update(conn).await?;
        let signed = signatures(&c);
        let done = Signatory::ALL.iter().all(|s| signed.by(*s).is_some());
        let count = Signatory::ALL
            .iter()
            .filter(|s| signed.by(**s).is_some())
            .count();
        let app = if done {
            transition_with(
                conn,
                &app,
                &sources(Action::Commit),
                Status::Committed,
                None,
                Vec::new(),
                self.now(),
            )
            .await?
        } else {
            app
        };
        let groups = [
            (Signatory::Visitor, To::Applicant),
            (Signatory::Host, To::HostContacts),
            (Signatory::Vop, To::VopCoordinators),
            (Signatory::Hop, To::HopCoordinators),
        ];
        let signed_count = u32::try_from(count).unwrap_or(0);
        let progress = move |f: &ExchangeFacts| Commitment {
            exchange: f.clone(),
            signed_count,
        };
        let mut send = if done {
            Send::new(&groups.map(|g| g.1), move |f| {
                Email::CommitmentCompleted(progress(f))
            })
        } else {
            let waiting: Vec<To> = groups
                .iter()
                .filter(|(s, _)| signed.by(*s).is_none())
                .map(|g| g.1)
                .collect();
            Send::new(&waiting, move |f| {
                Email::CommitmentSignatureNeeded(progress(f))
            })
        };
        send.skip_actor = true;
        Ok(Done {
            app,
            note: Some(format!("commitment signed by {}", party.as_str())),
            sends: vec![send],
            commitment: Some(c),
            unschedule: &[],
        })
    }

    /// Step 5: queues every message of the change. `known` holds the organisations and
    /// the call's title when the caller has read them already (submission); otherwise
    /// they are read here.
    async fn send<C: ConnectionTrait>(
        &self,
        conn: &C,
        caller: &Caller,
        app: &applications::Model,
        sends: Vec<Send>,
        known: Option<(Vec<organisations::Model>, String)>,
    ) -> RepoResult<()> {
        if sends.is_empty() {
            return Ok(());
        }
        let ctx = match known {
            Some((orgs, call_title)) => super::email_facts(app, &orgs, call_title),
            None => self.email_ctx(conn, app).await?,
        };
        // Every kind of recipient of every message in one query, every message in one
        // multi-row insert (issue 17: these were eleven statements for a submission).
        let mut kinds: Vec<To> = Vec::new();
        for to in sends.iter().flat_map(|s| s.to.iter()) {
            if !kinds.contains(to) {
                kinds.push(*to);
            }
        }
        let people = super::recipients::recipients(conn, app, &kinds).await?;
        let mut envelopes = Vec::new();
        for s in sends {
            let mut seen = Vec::new();
            let email = (s.compose)(&ctx);
            for to in &s.to {
                for (_, p) in people.iter().filter(|(kind, _)| kind == to) {
                    if seen.contains(&p.id) || (s.skip_actor && p.id == caller.id()) {
                        continue;
                    }
                    seen.push(p.id);
                    let mut env = Envelope::to_user(p, email.clone()).about(app.id);
                    if let Some(at) = s.at {
                        env = env.at(at);
                    }
                    envelopes.push(env);
                }
            }
        }
        self.enqueue_many(conn, envelopes).await
    }
}

/// 2. The conditional update of the action.
async fn update<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
    act: &Act,
    now: DateTime<Utc>,
) -> RepoResult<applications::Model> {
    let v = |x: sea_orm::Value| Expr::value(x);
    let (action, pin, version, set): (Action, Option<Status>, Option<i32>, Vec<_>) = match act {
        Act::Submit(submission) => {
            let report = &submission.report;
            (
                Action::Submit,
                None,
                None,
                vec![
                    (applications::Column::SubmittedAt, v(now.into())),
                    (
                        applications::Column::Eligibility,
                        v(serde_json::to_value(report)
                            .map_err(|e| RepoError::Db(sea_orm::DbErr::Json(e.to_string())))?
                            .into()),
                    ),
                    (
                        applications::Column::WorkingDays,
                        // Bounded by the exchange's length (at most a few dozen days).
                        v(i32::try_from(report.working_days)
                            .unwrap_or(i32::MAX)
                            .into()),
                    ),
                    (
                        applications::Column::DistanceKm,
                        v(report.distance_km.into()),
                    ),
                    (
                        applications::Column::GrantCents,
                        v(report.grant_cents.into()),
                    ),
                ],
            )
        }
        Act::HostRespond { accept } => {
            if !host_may_respond(app.status, app.host_response) {
                return Err(RepoError::conflict(
                    "host_response_closed",
                    format!(
                        "the host can answer once while the application awaits a decision (status {}, host response {})",
                        app.status, app.host_response
                    ),
                ));
            }
            return host_update(conn, app, *accept, now).await;
        }
        Act::Sign { .. } => return lock_approved(conn, app, now).await,
        Act::Review => (Action::Review, None, None, vec![]),
        Act::Decide {
            action,
            version,
            grant,
            ..
        } => {
            let mut set = vec![(applications::Column::DecidedAt, v(now.into()))];
            if let Some(g) = grant {
                set.push((applications::Column::GrantCents, v((*g).into())));
            }
            (*action, None, Some(*version), set)
        }
        // Pinning the state read makes the release exact: a concurrent approval either
        // happened before (we free what it reserved) or makes this update miss (409).
        Act::End { action } => (*action, Some(app.status), None, vec![]),
        Act::Report(_) => (Action::Report, None, None, vec![]),
        Act::Validate => (
            Action::Validate,
            None,
            None,
            vec![(applications::Column::ValidatedAt, v(now.into()))],
        ),
        Act::Pay { .. } => (Action::Pay, None, None, vec![]),
    };
    let from = pin.map_or_else(|| sources(action), |p| vec![p]);
    let to = match next(from.first().copied().unwrap_or(Status::Draft), action) {
        Ok(to) => to,
        Err(e) => return Err(RepoError::conflict("invalid_transition", e.to_string())),
    };
    transition_with(conn, app, &from, to, version, set, now).await
}

/// The host's answer: once, while the application awaits a decision.
async fn host_update<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
    accept: bool,
    now: DateTime<Utc>,
) -> RepoResult<applications::Model> {
    let answer = if accept {
        HostResponse::Accepted
    } else {
        HostResponse::Declined
    };
    let res = applications::Entity::update_many()
        .col_expr(
            applications::Column::HostResponse,
            Expr::value(answer.as_str()),
        )
        .col_expr(
            applications::Column::Version,
            Expr::col(applications::Column::Version).add(1),
        )
        .col_expr(applications::Column::UpdatedAt, Expr::value(now))
        .filter(applications::Column::Id.eq(app.id))
        .filter(applications::Column::HostResponse.eq(HostResponse::Pending.as_str()))
        .filter(status_in(&[
            Status::Submitted,
            Status::UnderReview,
            Status::Waitlisted,
        ]))
        .exec(conn)
        .await?;
    if res.rows_affected == 0 {
        return Err(RepoError::conflict(
            "host_response_closed",
            "the host has already answered or the application moved on",
        ));
    }
    reread(conn, app.id).await
}

/// Signing: touching the row serialises signers (row lock / writer lock).
async fn lock_approved<C: ConnectionTrait>(
    conn: &C,
    app: &applications::Model,
    now: DateTime<Utc>,
) -> RepoResult<applications::Model> {
    let touched = applications::Entity::update_many()
        .col_expr(applications::Column::UpdatedAt, Expr::value(now))
        .filter(applications::Column::Id.eq(app.id))
        .filter(applications::Column::Status.eq(Status::Approved))
        .exec(conn)
        .await?;
    if touched.rows_affected == 0 {
        return Err(RepoError::conflict(
            "invalid_transition",
            "the application is no longer approved",
        ));
    }
    reread(conn, app.id).await
}

async fn reread<C: ConnectionTrait>(conn: &C, id: Uuid) -> RepoResult<applications::Model> {
    applications::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(RepoError::NotFound)
}

fn signatures(c: &commitments::Model) -> Signatures {
    Signatures {
        visitor: c
            .visitor_signed_by
            .filter(|_| c.visitor_signed_at.is_some()),
        host: c.host_signed_by.filter(|_| c.host_signed_at.is_some()),
        vop: c.vop_signed_by.filter(|_| c.vop_signed_at.is_some()),
        hop: c.hop_signed_by.filter(|_| c.hop_signed_at.is_some()),
    }
}

async fn first_commitment<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    goals: Option<String>,
    agenda: Option<String>,
) -> RepoResult<commitments::Model> {
    let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let (Some(g), Some(a)) = (text(goals), text(agenda)) else {
        return Err(RepoError::Invalid(vec![
            Problem::new("goals", "required", "the first signer states the goals"),
            Problem::new("agenda", "required", "the first signer states the agenda"),
        ]));
    };
    Ok(commitments::ActiveModel {
        application_id: Set(id),
        goals: Set(g),
        agenda: Set(a),
        visitor_signed_by: Set(None),
        visitor_signed_at: Set(None),
        host_signed_by: Set(None),
        host_signed_at: Set(None),
        vop_signed_by: Set(None),
        vop_signed_at: Set(None),
        hop_signed_by: Set(None),
        hop_signed_at: Set(None),
        version: Set(1),
    }
    .insert(conn)
    .await?)
}

/// The reminder before an approved exchange starts and the report reminder after it ends.
fn approval_schedule(app: &applications::Model, now: DateTime<Utc>) -> Vec<Send> {
    let start = app.start_date.and_time(NaiveTime::MIN).and_utc();
    let end = app.end_date.and_time(NaiveTime::MIN).and_utc();
    let mut out = Vec::new();
    if start - Duration::days(7) > now {
        out.push(
            Send::new(&[To::Applicant], |f| {
                Email::ReminderExchangeStart(f.clone())
            })
            .at(start - Duration::days(7)),
        );
    }
    let report_due_date = app.end_date + Duration::days(30);
    out.push(
        Send::new(&[To::Applicant], move |f| {
            Email::ReportDue(ReportDue {
                exchange: f.clone(),
                report_due_date,
            })
        })
        .at(end + Duration::days(1)),
    );
    out
}
