//! Sign and verify throughput: a manifest-sized input (2 KB) and a large artifact (50 MB).
//!
//! `cargo bench -p mcp-trust-protocol --bench sign_verify`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use protocol::SecretKey;
use rand_core::{OsRng, RngCore};

const SIZES: [(&str, usize); 2] = [("2KB", 2 * 1024), ("50MB", 50 * 1024 * 1024)];

fn bench(c: &mut Criterion) {
    let secret = SecretKey::generate(&mut OsRng);
    let public = secret.public_key();
    let comment = "timestamp:1700000000\tserver:io.github.example/weather@1.2.3";

    let mut group = c.benchmark_group("minisign");
    for (label, len) in SIZES {
        let mut data = vec![0u8; len];
        OsRng.fill_bytes(&mut data);
        let sig = secret.sign(&data, comment).expect("sign");
        group.throughput(Throughput::Bytes(len as u64));
        if len > 1024 * 1024 {
            // Each iteration takes tens of milliseconds: few samples keep the run short.
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(5));
        } else {
            group
                .sample_size(50)
                .measurement_time(Duration::from_secs(3));
        }
        group.bench_with_input(BenchmarkId::new("sign", label), &data, |b, data| {
            b.iter(|| secret.sign(black_box(data), comment).expect("sign"));
        });
        group.bench_with_input(BenchmarkId::new("verify", label), &data, |b, data| {
            b.iter(|| public.verify(black_box(data), &sig, false).expect("verify"));
        });
        group.bench_with_input(
            BenchmarkId::new("verify_streaming_64KiB", label),
            &data,
            |b, data| {
                b.iter(|| {
                    let mut verifier = public.verifier(&sig, false).expect("verifier");
                    for chunk in black_box(data).chunks(64 * 1024) {
                        verifier.update(chunk);
                    }
                    verifier.finalize().expect("verify")
                });
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
