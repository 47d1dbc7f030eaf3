//! The 8-byte key id that ties a signature to the key that made it.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::formats::minisign::KEY_ID_LEN;

/// A minisign key id: 8 random bytes chosen when the key was generated.
///
/// Shown as minisign shows it: the bytes read as a little-endian u64, printed as 16 uppercase
/// hexadecimal digits (`%016X`). Parsing accepts either case, and fewer digits: minisign 0.11
/// wrote public key comments with `%X`, dropping leading zeros. Serialised as the 16 digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId([u8; KEY_ID_LEN]);

impl KeyId {
    /// The key id made of these bytes, in file order.
    pub const fn from_bytes(bytes: [u8; KEY_ID_LEN]) -> Self {
        Self(bytes)
    }

    /// The bytes as they appear in key and signature files.
    pub const fn to_bytes(self) -> [u8; KEY_ID_LEN] {
        self.0
    }

    /// The bytes as they appear in key and signature files.
    pub const fn as_bytes(&self) -> &[u8; KEY_ID_LEN] {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl FromStr for KeyId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `from_str_radix` alone would accept a leading `+`.
        if s.is_empty() || s.len() > 2 * KEY_ID_LEN || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidKeyId {
                input: s.to_owned(),
            });
        }
        let n = u64::from_str_radix(s, 16).map_err(|_| Error::InvalidKeyId {
            input: s.to_owned(),
        })?;
        Ok(Self(n.to_le_bytes()))
    }
}

impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for KeyId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_minisign() {
        // From a key made by `minisign -G`: its public key file says DA6F35CE8D9D93C2 and the
        // key id bytes in the file are c2 93 9d 8d ce 35 6f da.
        let id = KeyId::from_bytes([0xc2, 0x93, 0x9d, 0x8d, 0xce, 0x35, 0x6f, 0xda]);
        assert_eq!(id.to_string(), "DA6F35CE8D9D93C2");
        assert_eq!(format!("{id:?}"), "KeyId(DA6F35CE8D9D93C2)");
        assert_eq!("DA6F35CE8D9D93C2".parse::<KeyId>().unwrap(), id);
        assert_eq!("da6f35ce8d9d93c2".parse::<KeyId>().unwrap(), id);
        // Leading zeros are kept, and may be left out (minisign 0.11's public key comments).
        let small = KeyId::from_bytes([1, 0, 0, 0, 0, 0, 0, 0x0f]);
        assert_eq!(small.to_string(), "0F00000000000001");
        assert_eq!("F00000000000001".parse::<KeyId>().unwrap(), small);
        assert_eq!(
            "1".parse::<KeyId>().unwrap(),
            KeyId::from_bytes([1, 0, 0, 0, 0, 0, 0, 0])
        );
    }

    #[test]
    fn rejects_anything_but_up_to_16_hex_digits() {
        for bad in [
            "",
            "DA6F35CE8D9D93C2A",
            "0DA6F35CE8D9D93C2",
            " DA6F35CE8D9D93C",
            "+A6F35CE8D9D93C2",
            "DA6F35CE8D9D93CG",
        ] {
            let err = bad.parse::<KeyId>().unwrap_err();
            assert!(matches!(err, Error::InvalidKeyId { .. }), "{bad}");
        }
        assert_eq!(
            "xyz".parse::<KeyId>().unwrap_err().to_string(),
            "invalid key id \"xyz\": expected 16 hexadecimal digits, as minisign prints them"
        );
        // Multi-byte characters must not confuse the length check.
        assert!("ÀÀÀÀÀÀÀÀ".parse::<KeyId>().is_err());
    }

    #[test]
    fn serde_as_string() {
        let id: KeyId = "DA6F35CE8D9D93C2".parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"DA6F35CE8D9D93C2\"");
        assert_eq!(serde_json::from_str::<KeyId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<KeyId>("\"nope\"").is_err());
        assert!(serde_json::from_str::<KeyId>("42").is_err());
    }
}
