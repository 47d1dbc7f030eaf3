//! Containers: the image reference in `docker run` / `podman run` replaced by the signed
//! digest (`image@sha256:...`), so the engine pulls exactly what was signed.

use anyhow::{Result, anyhow};
use protocol::manifest::release::Artifact;

use crate::VerificationFailed;

/// `args` with the image reference (`image`, `image:tag`, `image@digest`) pinned to the signed
/// digest. Refuses a command that already names another digest.
pub(crate) fn pin_image(
    args: &[String],
    image: &str,
    tag: Option<&str>,
    digest: Option<&str>,
    artifact: &Artifact,
) -> Result<Option<Vec<String>>> {
    let Some(signed) = &artifact.oci_digest else {
        return Ok(None);
    };
    let signed = signed.to_string();
    if let Some(d) = digest
        && d != signed
    {
        return Err(VerificationFailed(anyhow!(
            "the command runs {image}@{d}, but the signed manifest pins {image}@{signed}"
        ))
        .into());
    }
    let mut written = image.to_owned();
    if let Some(t) = tag {
        written = format!("{written}:{t}");
    }
    if let Some(d) = digest {
        written = format!("{written}@{d}");
    }
    let Some(at) = args.iter().position(|a| a == &written) else {
        return Ok(None);
    };
    let mut out = args.to_vec();
    out[at] = format!("{image}@{signed}");
    Ok(Some(out))
}
