//! Exchange applications: who sees one, who acts on it, and separation of duties.
//!
//! Four parties take part: the visiting side (the applicant and the visiting
//! organisation's contacts), the host side (the host organisation's contacts), the
//! visiting organisation's partnership (VOP) and the host's partnership (HOP). A person
//! *acts for* a side when they are the applicant, a contact of that side's organisation
//! or a contact of a cluster that organisation belongs to, now or when the application
//! was submitted (the relations recorded then and the current ones, whichever is
//! stricter: a cluster removed from the organisation after submission still counts).
//!
//! Nobody decides, signs for a partnership or answers as the host while acting for the
//! other side (or, for deciding and signing for a partnership, for either side); each of
//! the four Commitment-to-Quality signatures comes from a different person.
use uuid::Uuid;

use super::{Actor, Denied, Role, Verdict, require};
use crate::workflow::Signatory;

/// The parties of an application and the relations that decide conflicts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parties {
    pub applicant: Uuid,
    pub visiting_organisation: Uuid,
    pub host_organisation: Uuid,
    pub visiting_partnership: Uuid,
    pub host_partnership: Uuid,
    /// Clusters the visiting organisation belongs to now or belonged to at submission.
    pub visitor_clusters: Vec<Uuid>,
    /// The same for the host organisation.
    pub host_clusters: Vec<Uuid>,
    /// People who acted for the visiting side when the application was submitted.
    pub recorded_visitor_side: Vec<Uuid>,
    /// People who acted for the host side when the application was submitted.
    pub recorded_host_side: Vec<Uuid>,
}

/// How a caller relates to an application.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct Relation {
    pub applicant: bool,
    pub visitor_contact: bool,
    pub host_contact: bool,
    /// Contact of a cluster the visiting organisation belongs to.
    pub visitor_cluster_contact: bool,
    /// Contact of a cluster the host organisation belongs to.
    pub host_cluster_contact: bool,
    /// Acted for the visiting side when the application was submitted.
    pub recorded_visitor_side: bool,
    /// Acted for the host side when the application was submitted.
    pub recorded_host_side: bool,
    /// Coordinator of the VOP (admins count).
    pub vop_coordinator: bool,
    /// Coordinator of the HOP (admins count).
    pub hop_coordinator: bool,
    /// Partner or coordinator of either partnership (admins count).
    pub partner: bool,
    pub admin: bool,
    /// Holds a coordinator grant for the VOP (admins as such do not).
    pub vop_grant: bool,
    /// Holds a coordinator grant for the HOP.
    pub hop_grant: bool,
}

impl Relation {
    /// Who may read the application at all (everyone else gets 404).
    #[must_use]
    pub fn can_see(&self) -> bool {
        self.applicant
            || self.visitor_contact
            || self.host_contact
            || self.vop_coordinator
            || self.hop_coordinator
            || self.partner
            || self.admin
    }

    /// The applicant side: the person who filed it or another contact of the visitor.
    #[must_use]
    pub fn is_applicant(&self) -> bool {
        self.applicant || self.visitor_contact
    }

    /// Acts for the visiting side, now or at submission.
    #[must_use]
    pub fn acts_for_visitor(&self) -> bool {
        self.applicant
            || self.visitor_contact
            || self.visitor_cluster_contact
            || self.recorded_visitor_side
    }

    /// Acts for the host side, now or at submission.
    #[must_use]
    pub fn acts_for_host(&self) -> bool {
        self.host_contact || self.host_cluster_contact || self.recorded_host_side
    }
}

/// The caller's relation to an application.
#[must_use]
pub fn relation(actor: &Actor, p: &Parties) -> Relation {
    let any_of = |orgs: &[Uuid]| orgs.iter().any(|o| actor.contact_of(*o));
    Relation {
        applicant: p.applicant == actor.id,
        visitor_contact: actor.contact_of(p.visiting_organisation),
        host_contact: actor.contact_of(p.host_organisation),
        visitor_cluster_contact: any_of(&p.visitor_clusters),
        host_cluster_contact: any_of(&p.host_clusters),
        recorded_visitor_side: p.recorded_visitor_side.contains(&actor.id),
        recorded_host_side: p.recorded_host_side.contains(&actor.id),
        vop_coordinator: actor.coordinates(p.visiting_partnership),
        hop_coordinator: actor.coordinates(p.host_partnership),
        partner: actor.works_for(p.visiting_partnership) || actor.works_for(p.host_partnership),
        admin: actor.admin,
        vop_grant: actor.holds(Role::Coordinator, p.visiting_partnership),
        hop_grant: actor.holds(Role::Coordinator, p.host_partnership),
    }
}

/// The application's own parties: applicant, organisations and partnerships, without
/// the clusters and the record at submission (which only a change needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnParties {
    pub applicant: Uuid,
    pub visiting_organisation: Uuid,
    pub host_organisation: Uuid,
    pub visiting_partnership: Uuid,
    pub host_partnership: Uuid,
}

impl From<OwnParties> for Parties {
    fn from(o: OwnParties) -> Self {
        Self {
            applicant: o.applicant,
            visiting_organisation: o.visiting_organisation,
            host_organisation: o.host_organisation,
            visiting_partnership: o.visiting_partnership,
            host_partnership: o.host_partnership,
            ..Self::default()
        }
    }
}

/// May the caller read the application? Who sees one ([`Relation::can_see`]) depends on
/// its own parties only, never on clusters or on who acted at submission, so a read is
/// judged on the row alone: one query instead of three. The same answer as
/// [`application_action`] with [`AppAction::Read`] on the full parties (tested).
///
/// # Errors
/// `not_visible` (404).
pub fn may_read(actor: &Actor, own: OwnParties) -> Verdict<()> {
    application_action(actor, &own.into(), AppAction::Read).map(|_| ())
}

/// Actions on an existing application (signing: [`signatory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppAction {
    Read,
    /// Edit a draft, submit, withdraw, report: the applicant side.
    Edit,
    Submit,
    Withdraw,
    Report,
    /// Accept or decline as the host.
    RespondAsHost,
    /// Start the review, approve, reject or waitlist.
    Review,
    Decide,
    Cancel,
    ValidateReport,
    Pay,
    /// The evidence pack (auditors: the partnerships' coordinators and admins).
    ReadEvidence,
}

/// Why the caller may not decide: the first conflict found, with a reason that names it.
fn decider_conflict(r: &Relation) -> Option<Denied> {
    let c = |rule: &'static str, why: &str| {
        Some(Denied::forbidden(
            rule,
            format!("conflict of interest: {why}"),
        ))
    };
    if r.applicant {
        c("conflict_visiting_side", "you filed this application")
    } else if r.visitor_contact {
        c(
            "conflict_visiting_side",
            "you are a contact of the visiting organisation",
        )
    } else if r.visitor_cluster_contact {
        c(
            "conflict_visiting_cluster",
            "the visiting organisation is a member of your cluster",
        )
    } else if r.recorded_visitor_side {
        c(
            "conflict_visiting_side_at_submission",
            "you acted for the visiting organisation or its cluster when the application was submitted",
        )
    } else if r.host_contact {
        c(
            "conflict_host_side",
            "you are a contact of the host organisation",
        )
    } else if r.host_cluster_contact {
        c(
            "conflict_host_cluster",
            "the host organisation is a member of your cluster",
        )
    } else if r.recorded_host_side {
        c(
            "conflict_host_side_at_submission",
            "you acted for the host organisation or its cluster when the application was submitted",
        )
    } else {
        None
    }
}

/// May the caller do `action`? Returns their relation when they may.
///
/// # Errors
/// `not_visible` (404) when they may not see the application; otherwise a 403 naming
/// the rule: who acts for which side, or the conflict of interest.
pub fn application_action(actor: &Actor, p: &Parties, action: AppAction) -> Verdict<Relation> {
    let r = relation(actor, p);
    if !r.can_see() {
        return Err(Denied::hidden("not_visible"));
    }
    let vop = |what: &str| {
        require(
            r.vop_coordinator,
            "vop_coordinator_only",
            &format!("only a coordinator of the visiting organisation's partnership {what}"),
        )
    };
    match action {
        AppAction::Read => {}
        AppAction::Edit => require(
            r.is_applicant(),
            "applicant_only",
            "only the applicant may edit the application",
        )?,
        AppAction::Submit => require(
            r.is_applicant(),
            "applicant_only",
            "only the applicant may submit",
        )?,
        AppAction::Withdraw => require(
            r.is_applicant(),
            "applicant_only",
            "only the applicant may withdraw",
        )?,
        AppAction::Report => require(
            r.is_applicant(),
            "applicant_only",
            "only the applicant reports",
        )?,
        AppAction::RespondAsHost => {
            require(
                r.host_contact,
                "host_contact_only",
                "only a contact of the host organisation may answer",
            )?;
            if r.acts_for_visitor() {
                return Err(Denied::forbidden(
                    "conflict_visiting_side",
                    "conflict of interest: you act for the visiting organisation or a cluster it belongs to, so you cannot answer for the host",
                ));
            }
        }
        AppAction::Review | AppAction::Decide => {
            vop("may do this")?;
            if let Some(d) = decider_conflict(&r) {
                return Err(d);
            }
        }
        AppAction::Cancel => vop("may cancel")?,
        AppAction::ValidateReport => vop("validates")?,
        AppAction::Pay => vop("records payments")?,
        AppAction::ReadEvidence => require(
            r.vop_coordinator || r.hop_coordinator || r.admin,
            "auditors_only",
            "the evidence pack is for the partnerships' coordinators and admins",
        )?,
    }
    Ok(r)
}

/// Who has signed the Commitment to Quality so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signatures {
    pub visitor: Option<Uuid>,
    pub host: Option<Uuid>,
    pub vop: Option<Uuid>,
    pub hop: Option<Uuid>,
}

impl Signatures {
    #[must_use]
    pub fn by(&self, s: Signatory) -> Option<Uuid> {
        match s {
            Signatory::Visitor => self.visitor,
            Signatory::Host => self.host,
            Signatory::Vop => self.vop,
            Signatory::Hop => self.hop,
        }
    }
}

/// The party the caller signs for next: the first one they are entitled to that has not
/// signed yet.
///
/// Entitled: the visitor's signature is the applicant's or a visiting contact's; the
/// host's a host contact's; a partnership's a holder of that partnership's coordinator
/// grant (admins oversee and do not sign) who acts for neither organisation nor a
/// cluster either belongs to. Every signature comes from a different person.
///
/// # Errors
/// `not_visible` (404); `not_a_signatory` (403) when the caller may sign for no party;
/// `one_signature_per_person` (403) when they have already signed for one;
/// `already_signed` (409) when every party they may sign for has signed.
pub fn signatory(actor: &Actor, p: &Parties, signed: &Signatures) -> Verdict<Signatory> {
    let r = relation(actor, p);
    if !r.can_see() {
        return Err(Denied::hidden("not_visible"));
    }
    let unconflicted = !r.acts_for_visitor() && !r.acts_for_host();
    let entitled: Vec<Signatory> = [
        (Signatory::Visitor, r.is_applicant()),
        (Signatory::Host, r.host_contact && !r.acts_for_visitor()),
        (Signatory::Vop, r.vop_grant && unconflicted),
        (Signatory::Hop, r.hop_grant && unconflicted),
    ]
    .into_iter()
    .filter_map(|(s, yes)| yes.then_some(s))
    .collect();
    if let Some(s) = Signatory::ALL
        .into_iter()
        .find(|s| signed.by(*s) == Some(actor.id))
    {
        // A second signature from the same person: refused whatever else they are.
        if entitled.iter().any(|e| signed.by(*e).is_none()) {
            return Err(Denied::forbidden(
                "one_signature_per_person",
                format!(
                    "you have already signed as {}; each of the four signatures comes from a different person",
                    s.as_str()
                ),
            ));
        }
        return Err(Denied::conflict(
            "already_signed",
            "you have already signed for every party you represent",
        ));
    }
    if entitled.is_empty() {
        let (rule, why) = if (r.vop_grant || r.hop_grant || r.host_contact) && !unconflicted {
            (
                "conflict_signatory",
                "conflict of interest: you act for the visiting or the host organisation or a cluster either belongs to, so you cannot sign for a partnership or the host",
            )
        } else {
            (
                "not_a_signatory",
                "only the visitor, the host and the two partnerships' coordinators sign",
            )
        };
        return Err(Denied::forbidden(rule, why));
    }
    entitled
        .into_iter()
        .find(|s| signed.by(*s).is_none())
        .ok_or_else(|| {
            Denied::conflict("already_signed", "every party you may sign for has signed")
        })
}
