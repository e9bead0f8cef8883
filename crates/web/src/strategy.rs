//! Words of the strategy canvas shared by the page, the API and the synthesis document:
//! each question's wording and help text, and each suggestion as a French sentence with
//! its figures and the links to the data behind it.

use partinnov_domain::strategy::{
    StrategyQuestion,
    suggestions::{Suggestion, SuggestionRule},
};

use crate::{i18n::Tr, pages::partnerships::euros};

/// The question as the guide asks it (001:549-556).
pub fn question(t: &Tr, q: StrategyQuestion) -> &'static str {
    t.t(&format!("strategy.q.{}", q.as_str()))
}

/// What the documents say that helps answer it.
pub fn help(t: &Tr, q: StrategyQuestion) -> &'static str {
    t.t(&format!("strategy.help.{}", q.as_str()))
}

/// A share in per mille as a percentage without decimals ("45 %").
fn share(t: &Tr, permille: u32) -> String {
    let pct = (permille + 5) / 10;
    match t.lang {
        partinnov_domain::lang::Lang::Fr => format!("{pct}\u{202f}%"),
        partinnov_domain::lang::Lang::En => format!("{pct}%"),
    }
}

/// Why the suggestion is made, with its figures, in the reader's language.
pub fn reason(t: &Tr, s: &Suggestion) -> String {
    let f = &s.figures;
    let months = f.months.unwrap_or(0).to_string();
    let since = f.since.map(|d| t.date(&d)).unwrap_or_default();
    let year = f.year.map(|y| y.to_string()).unwrap_or_default();
    let amount = f.amount_cents.map(|c| euros(t, c)).unwrap_or_default();
    let count = f.count.unwrap_or(0).to_string();
    let family = s.family.map(|x| x.label(t.lang)).unwrap_or("");
    let from = f.from_family.map(|x| x.label(t.lang)).unwrap_or("");
    let pct = f.share_permille.map(|p| share(t, p)).unwrap_or_default();
    let args: [(&str, &str); 10] = [
        ("subject", &s.subject),
        ("months", &months),
        ("since", &since),
        ("year", &year),
        ("amount", &amount),
        ("count", &count),
        ("family", family),
        ("from", from),
        ("to", family),
        ("share", &pct),
    ];
    let code = s.rule.as_str();
    let key = match s.rule {
        SuggestionRule::PriorityWithoutContact if f.since.is_none() => format!("{code}_never"),
        SuggestionRule::DormantDonor | SuggestionRule::BuyerWithoutImmersion
            if f.amount_cents.is_none() =>
        {
            format!("{code}_no_amount")
        }
        _ => code.to_owned(),
    };
    t.f(&format!("strategy.rule.{key}"), &args)
}

/// Where to see the data behind a suggestion: (href, label), the main link first.
pub fn links(t: &Tr, slug: &str, s: &Suggestion) -> Vec<(String, String)> {
    let mut out = vec![];
    let base = format!("/espaces/{slug}");
    match s.rule {
        SuggestionRule::Dependency => {
            if let Some(y) = s.figures.year {
                out.push((
                    format!("{base}/tableau-de-bord?from={y}-01-01&to={y}-12-31"),
                    t.t("strategy.link_dashboard").to_owned(),
                ));
            }
        }
        SuggestionRule::MissingFamily => {
            if let Some(f) = s.family {
                out.push((
                    format!("{base}/partenariats?family={}", f.as_str()),
                    t.t("strategy.link_family").to_owned(),
                ));
            }
        }
        SuggestionRule::SetPriorities => out.push((
            format!("{base}/partenariats?sort=priority"),
            t.t("strategy.link_partnerships").to_owned(),
        )),
        _ => {}
    }
    if let Some(p) = s.partnership {
        out.push((
            format!("{base}/partenariats/{p}"),
            t.t("strategy.link_partnership").to_owned(),
        ));
    }
    if let Some(o) = s.organisation {
        out.push((
            format!("/organisations/{o}"),
            t.t("strategy.link_organisation").to_owned(),
        ));
    }
    out
}
