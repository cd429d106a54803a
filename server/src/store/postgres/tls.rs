//! TLS to the database. Whether a connection uses it is the URL's
//! `sslmode` (`require` for a database that is not on this host;
//! `prefer`, the default, uses it when the server offers it). The
//! server's certificate must chain to a CA the system trusts or to one in
//! the URL's `sslrootcert` (a PEM file: a private CA, as libpq reads it),
//! and name the host the URL connects to: rustls with the ring provider.

use crate::store::StoreError;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// `url` without its `sslrootcert` parameter (which the client library
/// does not read), and that parameter's file.
pub fn split_root_cert(url: &str) -> (String, Option<PathBuf>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut root = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("sslrootcert=") {
            Some(path) => {
                root = Some(PathBuf::from(path));
                false
            }
            None => true,
        })
        .collect();
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (url, root)
}

/// A connector trusting the system's CAs and those in `root_cert`.
pub fn connector(root_cert: Option<&Path>) -> Result<MakeRustlsConnect, StoreError> {
    let setup = |detail: String| StoreError::DatabaseTls { detail };
    let mut roots = rustls::RootCertStore::empty();
    // A system store that cannot be read is no reason to refuse a
    // private CA given in the URL; with neither, TLS fails to verify.
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = root_cert {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|error| setup(format!("cannot read {}: {error}", path.display())))?;
        for cert in certs {
            let cert = cert.map_err(|error| setup(format!("{}: {error}", path.display())))?;
            roots
                .add(cert)
                .map_err(|error| setup(format!("{}: {error}", path.display())))?;
        }
    }
    // rustls marks ring's provider deprecated because it has no
    // post-quantum key exchange; aws-lc-rs, which has, is a large C build
    // on every fresh machine. The database link is on the host or a
    // private network; revisit when ring gains ML-KEM or the link leaves.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| setup(error.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_certificate_is_taken_out_of_the_url() {
        assert_eq!(
            split_root_cert("postgres://u@h/db?sslmode=require&sslrootcert=/etc/ca.pem"),
            (
                "postgres://u@h/db?sslmode=require".to_owned(),
                Some(PathBuf::from("/etc/ca.pem"))
            )
        );
        assert_eq!(
            split_root_cert("postgres://u@h/db?sslrootcert=/ca.pem"),
            (
                "postgres://u@h/db".to_owned(),
                Some(PathBuf::from("/ca.pem"))
            )
        );
        assert_eq!(
            split_root_cert("postgres://u@h/db"),
            ("postgres://u@h/db".to_owned(), None)
        );
    }
}
