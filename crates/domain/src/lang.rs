//! The two languages of the interface and of generated documents.
//!
//! Only the choice of language lives here; the catalogue of user texts lives with the web
//! crate. Domain types that carry their own short labels take a `Lang`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::code::UnknownCode;

/// Interface language. French is the default: the users and the seeds are French.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: &'static [Lang] = &[Lang::Fr, Lang::En];

    /// ISO 639-1 code, as stored and as used in `lang` attributes.
    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(UnknownCode::new("Lang", other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn french_is_the_default_and_codes_round_trip() {
        assert_eq!(Lang::default(), Lang::Fr);
        for lang in Lang::ALL {
            assert_eq!(lang.as_str().parse::<Lang>(), Ok(*lang));
        }
        assert!("de".parse::<Lang>().is_err());
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
    }
}
