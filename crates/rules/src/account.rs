//! Account input parsed at the edge: usernames, email addresses, names and new passwords.

/// A username: 3–40 characters, lower-case letters, digits, `.`, `_` and `-`. Stored as typed
/// in lower case, so `JDeVries` and `jdevries` are one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Parses a username, or says in Dutch what to change.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = raw.trim().to_lowercase();
        if value.chars().count() < 3 || value.chars().count() > 40 {
            return Err("Kies een gebruikersnaam van 3 tot 40 tekens.");
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(
                "Een gebruikersnaam bestaat uit letters, cijfers, punten, liggende streepjes en koppeltekens.",
            );
        }
        Ok(Self(value))
    }

    /// The username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, checked for its shape (the confirmation link proves it works).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address, or says in Dutch what to change.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Vul uw e-mailadres in.");
        }
        if value.len() > 254 || value.parse::<lettre::Address>().is_err() {
            return Err("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.");
        }
        Ok(Self(value.to_owned()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's full name as they want it shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    /// Parses a name, or says in Dutch what to change.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.chars().count() < 2 {
            return Err("Vul uw volledige naam in.");
        }
        if value.chars().count() > 200 {
            return Err("Een naam is ten hoogste 200 tekens lang.");
        }
        if value.chars().any(char::is_control) {
            return Err("Een naam mag geen stuurtekens bevatten.");
        }
        Ok(Self(value))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Words a password must not be built around, besides the user's own name and username.
const CONTEXT_WORDS: &[&str] = &["mijnrgs", "knmg", "rgs", "wachtwoord"];

/// A new password that meets the policy: 12–128 characters exactly as typed, any Unicode, not
/// weak or common (zxcvbn), and not built around the username, the person's name or the
/// portal's own words.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks `raw` against the policy; `context` holds the username and the person's name.
    pub fn parse(raw: &str, context: &[&str]) -> Result<Self, &'static str> {
        let length = raw.chars().count();
        if length < 12 {
            return Err("Kies een wachtwoord van minstens 12 tekens.");
        }
        if length > 128 {
            return Err("Kies een wachtwoord van ten hoogste 128 tekens.");
        }
        let mut words: Vec<String> = CONTEXT_WORDS.iter().map(|w| (*w).to_owned()).collect();
        for item in context {
            for part in item.split(|c: char| !c.is_alphanumeric()) {
                if part.chars().count() >= 3 {
                    words.push(part.to_lowercase());
                }
            }
        }
        // What is left when the context words are taken out must carry the strength itself.
        let mut rest: String = raw.to_lowercase().split_whitespace().collect();
        for word in &words {
            rest = rest.replace(word.as_str(), "");
        }
        if rest.chars().count() < 8 {
            return Err(
                "Uw wachtwoord is te veel gebouwd rond uw naam, gebruikersnaam of MijnRGS. Kies iets dat niet met u of met MijnRGS te maken heeft.",
            );
        }
        let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
        let entropy = zxcvbn::zxcvbn(raw, &inputs);
        if (entropy.score() as u8) < 3 {
            return Err(
                "Dit wachtwoord is te makkelijk te raden. Gebruik bijvoorbeeld een zin van vier of meer losse woorden.",
            );
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_cased_and_limited_to_safe_characters() {
        assert_eq!(Username::parse(" JdeVries ").unwrap().as_str(), "jdevries");
        assert!(Username::parse("jd").is_err());
        assert!(Username::parse("j de vries").is_err());
        assert!(Username::parse("jan<script>").is_err());
    }

    #[test]
    fn email_addresses_need_a_plausible_shape() {
        assert!(EmailAddress::parse("anna@ziekenhuis.nl").is_ok());
        assert!(EmailAddress::parse("anna").is_err());
        assert!(EmailAddress::parse("").is_err());
    }

    #[test]
    fn a_password_shorter_than_twelve_characters_is_refused() {
        assert!(NewPassword::parse("Kort!1aB", &[]).is_err());
    }

    #[test]
    fn a_long_random_password_in_any_script_is_accepted() {
        assert!(NewPassword::parse("vlinder kachel optocht zeewier", &[]).is_ok());
        assert!(NewPassword::parse("Ωμέγα-κρύσταλλο-ποτάμι-9", &[]).is_ok());
    }

    #[test]
    fn a_common_password_is_refused_even_when_long_enough() {
        assert!(NewPassword::parse("password1234", &[]).is_err());
        assert!(NewPassword::parse("qwertyuiopas", &[]).is_err());
    }

    #[test]
    fn a_password_built_around_the_username_or_name_is_refused() {
        let err = NewPassword::parse("jdevries2026!", &["jdevries", "Jan de Vries"]).unwrap_err();
        assert!(err.contains("gebouwd rond"));
        assert!(NewPassword::parse("MijnRGS-KNMG-2026", &[]).is_err());
    }

    #[test]
    fn a_password_over_128_characters_is_refused() {
        assert!(NewPassword::parse(&"ab9!".repeat(40), &[]).is_err());
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let password = NewPassword::parse("vlinder kachel optocht zeewier", &[]).unwrap();
        assert!(!format!("{password:?}").contains("vlinder"));
    }
}
