//! Values stored as codes (docs/architecture.md, "Typed states"): every status and kind is an
//! enum with one fixed word per variant, the word the database stores and a form posts. The
//! portal reads and writes them through one wrapper (`platform::db::Stored`), so that a row
//! carries the enum and an unknown word fails when it is read, never later.

/// A value stored as a code.
pub trait Coded: Copy + Eq + Sized + 'static {
    /// Every value, in the order lists show them.
    const ALL: &'static [Self];

    /// The code stored in the database.
    fn code(self) -> &'static str;

    /// The value stored as `code`, if it is one.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.code() == code)
    }
}

/// Implements [`Coded`] for an enum from its variants and their codes, in list order.
#[macro_export]
macro_rules! coded {
    ($name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $crate::code::Coded for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Coded;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Light {
        Red,
        Green,
    }

    crate::coded!(Light {
        Red => "rood",
        Green => "groen",
    });

    #[test]
    fn a_code_reads_back_as_its_value_and_an_unknown_word_as_none() {
        for &light in Light::ALL {
            assert_eq!(Light::from_code(light.code()), Some(light));
        }
        assert_eq!(Light::Green.code(), "groen");
        assert_eq!(Light::from_code("oranje"), None);
    }
}
