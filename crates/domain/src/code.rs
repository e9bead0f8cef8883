//! Stable codes for closed lists: the `coded_enum!` macro and its `UnknownCode` error.
//!
//! A code is what the database column, the API field and the catalogue key hold; it never
//! changes once shipped. Labels are short names shown beside a value (fr/en), not sentences.
//! The enums themselves live in `kind`, `typology` and `outcome`.

/// A code that names no variant of the list `kind` (the Rust type name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code {code:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

impl UnknownCode {
    pub fn new(kind: &'static str, code: &str) -> Self {
        Self {
            kind,
            code: code.to_owned(),
        }
    }
}

/// Declares a closed list whose variants have a stable code and fr/en labels:
///
/// ```ignore
/// coded_enum! {
///     /// Doc of the enum.
///     pub enum Priority {
///         /// Doc of the variant.
///         Haute => "haute", "haute", "high",
///     }
/// }
/// ```
///
/// Generates the enum (`Copy`, `Eq`, `Ord` by declaration order, `Hash`), `ALL`, `as_str`,
/// `label(Lang)`, `Display` (the code), `FromStr` (error [`UnknownCode`]) and serde as the code.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $code:literal, $fr:literal, $en:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The stable code: column value, API field, catalogue key.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $code, )+
                }
            }

            /// Short label in the given language.
            pub const fn label(self, lang: $crate::lang::Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($name::$variant, $crate::lang::Lang::Fr) => $fr,
                        ($name::$variant, $crate::lang::Lang::En) => $en,
                    )+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::code::UnknownCode;

            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                match s {
                    $( $code => Ok($name::$variant), )+
                    other => Err($crate::code::UnknownCode::new(stringify!($name), other)),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let code = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                code.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use coded_enum;

#[cfg(test)]
mod tests {
    use crate::lang::Lang;

    coded_enum! {
        /// A list used only to test the macro.
        enum Sample {
            One => "one", "un", "one",
            Two => "two", "deux", "two",
        }
    }

    #[test]
    fn the_macro_gives_codes_labels_parsing_and_serde() {
        assert_eq!(Sample::ALL, &[Sample::One, Sample::Two]);
        assert_eq!(Sample::Two.as_str(), "two");
        assert_eq!(Sample::Two.label(Lang::Fr), "deux");
        assert_eq!(Sample::Two.to_string(), "two");
        assert_eq!("one".parse::<Sample>(), Ok(Sample::One));
        let err = "three".parse::<Sample>().unwrap_err();
        assert_eq!((err.kind, err.code.as_str()), ("Sample", "three"));
        assert_eq!(serde_json::to_string(&Sample::One).unwrap(), "\"one\"");
        assert_eq!(
            serde_json::from_str::<Sample>("\"two\"").unwrap(),
            Sample::Two
        );
        assert!(serde_json::from_str::<Sample>("\"Two\"").is_err());
        assert!(Sample::One < Sample::Two);
    }
}
