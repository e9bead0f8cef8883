//! What every picture is drawn from: the structures (one per workspace), their partner
//! organisations and the partnerships between them with dated forms; and the view of that
//! data at a date, through the filters a person chose.
//!
//! The permission scope is applied before: the caller builds a [`Carto`] from a store query
//! that only returns what the person may see. Here everything is pure and deterministic.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use partinnov_domain::{
    kind::{KindGroup, StructureKind},
    typology::{Family, Form, PartnershipStatus},
};

/// A structure at the centre of its partnerships: one per workspace shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Centre {
    /// Stable key (the workspace slug), used for ids in GEXF and GraphML.
    pub key: String,
    pub name: String,
    pub href: Option<String>,
}

/// A partner organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kinds: Vec<StructureKind>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    /// SIREN of its commune's EPCI, when known.
    pub epci: Option<String>,
    /// Where the map draws it when that differs from `commune_code`: the city of a municipal
    /// arrondissement (Paris, Lyon, Marseille).
    pub place: Option<String>,
    /// Section of its activity (NAF letter `A` to `U`), when known.
    pub sector: Option<String>,
}

impl Organisation {
    /// The coarse kind that decides the node's shape: the group of its first kind in the
    /// referential's order, `Autre` when no kind is known.
    pub fn group(&self) -> KindGroup {
        self.kinds
            .iter()
            .min()
            .map_or(KindGroup::Autre, |k| k.group())
    }
}

/// A form with its dates; either may be unknown.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedForm {
    pub form: Form,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl DatedForm {
    pub fn is_current(&self, day: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= day) && self.end.is_none_or(|e| e >= day)
    }

    fn has_started(&self, day: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= day)
    }
}

/// A partnership of a centre with one or more partners.
#[derive(Debug, Clone, PartialEq)]
pub struct Partnership {
    pub id: i64,
    /// Index in [`Carto::centres`].
    pub centre: usize,
    pub title: String,
    /// Indexes in [`Carto::organisations`].
    pub partners: Vec<usize>,
    pub status: PartnershipStatus,
    /// No interaction for the workspace's number of months, today.
    pub dormant: bool,
    pub created_on: NaiveDate,
    pub forms: Vec<DatedForm>,
    /// The status as recorded from each day it was set, oldest first (from the audit trail;
    /// may be empty).
    pub status_history: Vec<(NaiveDate, PartnershipStatus)>,
    pub href: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carto {
    pub centres: Vec<Centre>,
    pub organisations: Vec<Organisation>,
    pub partnerships: Vec<Partnership>,
}

/// Where a partnership stands on the day drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkState {
    /// Best first: when one partner has several partnerships, the edge shows the best.
    Active,
    Planned,
    Dormant,
    Ended,
}

impl LinkState {
    pub const ALL: [LinkState; 4] = [
        LinkState::Active,
        LinkState::Planned,
        LinkState::Dormant,
        LinkState::Ended,
    ];

    pub fn status(self) -> PartnershipStatus {
        match self {
            LinkState::Active => PartnershipStatus::Actif,
            LinkState::Planned => PartnershipStatus::EnProjet,
            LinkState::Dormant => PartnershipStatus::EnSommeil,
            LinkState::Ended => PartnershipStatus::Termine,
        }
    }

    /// Dormant and ended partnerships are drawn dashed.
    /// The state a recorded status gives (an active partnership with no recent interaction
    /// is dormant).
    pub fn of_status(status: PartnershipStatus, dormant: bool) -> Self {
        match status {
            PartnershipStatus::EnProjet => LinkState::Planned,
            PartnershipStatus::Actif if dormant => LinkState::Dormant,
            PartnershipStatus::Actif => LinkState::Active,
            PartnershipStatus::EnSommeil => LinkState::Dormant,
            PartnershipStatus::Termine => LinkState::Ended,
        }
    }

    pub fn is_inactive(self) -> bool {
        matches!(self, LinkState::Dormant | LinkState::Ended)
    }
}

/// What to draw: the filters of the cartography page and the day.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub family: Option<Family>,
    pub status: Option<PartnershipStatus>,
    pub kind: Option<KindGroup>,
    /// A département code (`69`, `2A`, `974`); a partnership is kept when one of its
    /// partners is there.
    pub departement: Option<String>,
    /// A région code (`84`); a partnership is kept when one of its partners is there.
    pub region: Option<String>,
    /// A NAF section letter; a partnership is kept when one of its partners is in it.
    pub sector: Option<String>,
    /// The day drawn.
    pub as_of: NaiveDate,
    /// Today: on or after it, the recorded status is used; before it, the status recorded
    /// on that day, or failing a history the dated forms (see [`Carto::view`]).
    pub today: NaiveDate,
}

impl Selection {
    pub fn all_on(day: NaiveDate) -> Self {
        Self {
            family: None,
            status: None,
            kind: None,
            departement: None,
            region: None,
            sector: None,
            as_of: day,
            today: day,
        }
    }
}

/// One partnership as it stood on the day drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkView {
    /// Index in [`Carto::partnerships`].
    pub partnership: usize,
    pub state: LinkState,
    /// Forms current on the day, in typology order.
    pub current_forms: Vec<Form>,
    /// Families of the current forms; when none is current, of the forms it had before
    /// (so an ended partnership still shows what it was).
    pub families: Vec<Family>,
}

/// A partner in the view, with what the graph needs to size and colour it.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerView {
    /// Index in [`Carto::organisations`].
    pub organisation: usize,
    /// Distinct forms current on the day, over all its partnerships in the view.
    pub current_forms: Vec<Form>,
    /// The family with the most current forms (typology order breaks ties).
    pub main_family: Option<Family>,
    /// Centres it is a partner of, in the view (several: a shared partner).
    pub centres: Vec<usize>,
    /// Its partnerships in the view (indexes in [`View::links`]).
    pub links: Vec<usize>,
}

/// The data through a [`Selection`].
#[derive(Debug, Clone, PartialEq)]
pub struct View<'a> {
    pub carto: &'a Carto,
    pub selection: Selection,
    pub links: Vec<LinkView>,
    /// Partners ordered by name (accent-insensitive), then id.
    pub partners: Vec<PartnerView>,
}

impl Carto {
    /// The partnerships as they stood on `sel.as_of`, filtered.
    ///
    /// A partnership is shown on a day when it had been created by then or one of its forms
    /// had started. Before today its state is the status recorded on that day in its history
    /// (an active partnership then counts as active: its dormancy that day is not known);
    /// before its history starts, or without one, the state comes from the dated forms (a
    /// form current that day: active; only forms that had ended: ended; none started yet:
    /// planned).
    pub fn view(&self, sel: &Selection) -> View<'_> {
        let day = sel.as_of;
        let past = day < sel.today;
        let mut links = Vec::new();
        for (i, p) in self.partnerships.iter().enumerate() {
            let started =
                p.created_on <= day || p.forms.iter().any(|f| f.start.is_some_and(|s| s <= day));
            let recorded = p
                .status_history
                .iter()
                .rev()
                .find(|(d, _)| *d <= day)
                .map(|(_, s)| *s)
                .filter(|_| past);
            if past && !started && recorded.is_none() {
                continue;
            }
            let mut current: Vec<Form> = p
                .forms
                .iter()
                .filter(|f| f.is_current(day))
                .map(|f| f.form)
                .collect();
            current.sort();
            current.dedup();
            let mut families: Vec<Family> = current.iter().map(|f| f.family()).collect();
            if families.is_empty() {
                families = p
                    .forms
                    .iter()
                    .filter(|f| f.has_started(day))
                    .map(|f| f.form.family())
                    .collect();
            }
            families.sort();
            families.dedup();
            let state = if let Some(status) = recorded {
                LinkState::of_status(status, false)
            } else if past {
                if !current.is_empty() {
                    LinkState::Active
                } else if p.forms.iter().any(|f| f.end.is_some_and(|e| e < day)) {
                    LinkState::Ended
                } else {
                    LinkState::Planned
                }
            } else {
                LinkState::of_status(p.status, p.dormant)
            };
            if sel.family.is_some_and(|f| !families.contains(&f)) {
                continue;
            }
            if sel.status.is_some_and(|s| s != state.status()) {
                continue;
            }
            let orgs = || p.partners.iter().filter_map(|o| self.organisations.get(*o));
            if sel.kind.is_some_and(|k| !orgs().any(|o| o.group() == k)) {
                continue;
            }
            if let Some(sector) = sel.sector.as_deref()
                && !orgs().any(|o| o.sector.as_deref() == Some(sector))
            {
                continue;
            }
            if let Some(dep) = sel.departement.as_deref()
                && !orgs().any(|o| o.departement.as_deref() == Some(dep))
            {
                continue;
            }
            if let Some(reg) = sel.region.as_deref()
                && !orgs().any(|o| o.region.as_deref() == Some(reg))
            {
                continue;
            }
            links.push(LinkView {
                partnership: i,
                state,
                current_forms: current,
                families,
            });
        }
        let mut by_org: BTreeMap<usize, PartnerView> = BTreeMap::new();
        for (li, l) in links.iter().enumerate() {
            let p = &self.partnerships[l.partnership];
            for &o in &p.partners {
                if o >= self.organisations.len() {
                    continue;
                }
                let pv = by_org.entry(o).or_insert_with(|| PartnerView {
                    organisation: o,
                    current_forms: vec![],
                    main_family: None,
                    centres: vec![],
                    links: vec![],
                });
                pv.current_forms.extend(l.current_forms.iter().copied());
                if !pv.centres.contains(&p.centre) {
                    pv.centres.push(p.centre);
                }
                pv.links.push(li);
            }
        }
        let mut partners: Vec<PartnerView> = by_org
            .into_values()
            .map(|mut pv| {
                pv.current_forms.sort();
                pv.current_forms.dedup();
                pv.centres.sort();
                let mut count = [0usize; 4];
                for f in &pv.current_forms {
                    count[family_index(f.family())] += 1;
                }
                pv.main_family = Family::ALL
                    .iter()
                    .copied()
                    .filter(|f| count[family_index(*f)] > 0)
                    .max_by_key(|f| (count[family_index(*f)], std::cmp::Reverse(family_index(*f))));
                if pv.main_family.is_none() {
                    // Nothing current: the family it had, so that the node keeps its sector.
                    pv.main_family = pv
                        .links
                        .iter()
                        .flat_map(|l| links[*l].families.iter().copied())
                        .min();
                }
                pv
            })
            .collect();
        partners.sort_by_cached_key(|pv| {
            let o = &self.organisations[pv.organisation];
            (partinnov_domain::text::fold(&o.name), o.id)
        });
        View {
            carto: self,
            selection: sel.clone(),
            links,
            partners,
        }
    }
}

pub(crate) fn family_index(f: Family) -> usize {
    Family::ALL.iter().position(|x| *x == f).unwrap_or(0)
}

impl View<'_> {
    pub fn organisation(&self, pv: &PartnerView) -> &Organisation {
        &self.carto.organisations[pv.organisation]
    }

    pub fn partnership(&self, l: &LinkView) -> &Partnership {
        &self.carto.partnerships[l.partnership]
    }

    /// The best state among a partner's partnerships with one centre, and the families
    /// they carry: what one edge of the graph shows.
    pub fn edge(&self, pv: &PartnerView, centre: usize) -> (LinkState, Vec<Family>, Option<&str>) {
        let mut state = LinkState::Ended;
        let mut families = Vec::new();
        let mut href = None;
        for &li in &pv.links {
            let l = &self.links[li];
            let p = self.partnership(l);
            if p.centre != centre {
                continue;
            }
            if href.is_none() || l.state < state {
                href = p.href.as_deref();
            }
            state = state.min(l.state);
            families.extend(l.families.iter().copied());
        }
        families.sort();
        families.dedup();
        (state, families, href)
    }
}
