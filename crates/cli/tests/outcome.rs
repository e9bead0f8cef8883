//! `partinnov outcome classify` as an outside check would call it: the category code first
//! on one line, then the reason; bad input is one line on stderr and a non-zero exit.

use std::process::Command;

fn classify(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_partinnov"))
        .arg("outcome")
        .arg("classify")
        .args(args)
        .env_remove("PARTINNOV_LOG")
        .output()
        .expect("run partinnov");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_cdd_is_durable_from_six_months_and_transition_below() {
    // 001:239-240: "CDD de plus de six mois et non aidé" → durable; "de moins de six mois" → transition.
    let (code, out, _) = classify(&["--kind", "cdd", "--duration-days", "182"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("emploi_durable "), "{out}");
    assert_eq!(out.lines().count(), 1);
    let (_, out, _) = classify(&["--kind", "cdd", "--duration-days", "181"]);
    assert!(out.starts_with("emploi_transition "), "{out}");
    assert!(
        out.contains("moins de 6 mois"),
        "the reason is given: {out}"
    );
}

#[test]
fn an_aided_fixed_term_contract_is_transition_and_another_siae_is_positive() {
    let (_, out, _) = classify(&[
        "--kind",
        "contrat_aide",
        "--duration-days",
        "400",
        "--aided",
    ]);
    assert!(out.starts_with("emploi_transition "), "{out}");
    let (_, out, _) = classify(&["--kind", "autre_siae"]);
    assert!(out.starts_with("sortie_positive "), "{out}");
    let (_, out, _) = classify(&["--kind", "recherche_emploi"]);
    assert!(out.starts_with("autre_sortie "), "{out}");
}

#[test]
fn a_cdd_without_duration_or_an_unknown_kind_is_refused_in_one_line() {
    let (code, out, err) = classify(&["--kind", "cdd"]);
    assert_ne!(code, 0);
    assert!(out.is_empty());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("erreur") && err.contains("--duration-days"),
        "{err}"
    );
    let (code, _, err) = classify(&["--kind", "stage_imaginaire"]);
    assert_ne!(code, 0);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn help_lists_every_kind() {
    let out = Command::new(env!("CARGO_BIN_EXE_partinnov"))
        .args(["outcome", "classify", "--help"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for kind in [
        "cdi",
        "cdd",
        "interim",
        "contrat_aide",
        "contrat_professionnalisation",
        "contrat_apprentissage",
        "fonction_publique",
        "creation_entreprise",
        "formation_qualifiante",
        "autre_siae",
        "retraite",
    ] {
        assert!(text.contains(kind), "--help should list {kind}");
    }
}
