//! Clock, uuid and random values: real in production, replayed (then seeded) in replay.

use crate::cassette::CapturedValues;
use std::collections::VecDeque;
use std::time::{Duration, SystemTime};
use uuid::Uuid;

/// Where `ctx.now()`, `ctx.uuid()` and `ctx.random()` come from. Every value handed out is also
/// captured, so that recording can write it to the cassette.
#[derive(Debug)]
pub struct ValueSource {
    kind: Kind,
    captured: CapturedValues,
}

#[derive(Debug)]
enum Kind {
    Live,
    Replay {
        now: VecDeque<SystemTime>,
        uuid: VecDeque<Uuid>,
        random: VecDeque<f64>,
        base: SystemTime,
        seed: u64,
    },
}

impl ValueSource {
    /// Real values: the system clock, UUIDv7, random numbers from the OS.
    pub fn live() -> ValueSource {
        ValueSource {
            kind: Kind::Live,
            captured: CapturedValues::default(),
        }
    }

    /// Replayed values: the recorded ones in order, then deterministic ones (the virtual clock
    /// from `base`, and uuids and randoms from a generator seeded with `seed`).
    pub fn replay(recorded: &CapturedValues, base: SystemTime, seed: u64) -> ValueSource {
        ValueSource {
            kind: Kind::Replay {
                now: recorded
                    .now
                    .iter()
                    .filter_map(|t| humantime::parse_rfc3339(t).ok())
                    .collect(),
                uuid: recorded
                    .uuid
                    .iter()
                    .filter_map(|u| Uuid::parse_str(u).ok())
                    .collect(),
                random: recorded.random.iter().copied().collect(),
                base,
                seed,
            },
            captured: CapturedValues::default(),
        }
    }

    /// The current time; `elapsed` is the run clock, used once recorded values run out.
    /// Kept within what RFC 3339 can write (see [`later`]).
    pub fn now(&mut self, elapsed: Duration) -> SystemTime {
        let t = match &mut self.kind {
            Kind::Live => SystemTime::now(),
            Kind::Replay { now, base, .. } => now.pop_front().unwrap_or(later(*base, elapsed)),
        };
        let t = t.clamp(SystemTime::UNIX_EPOCH, latest());
        self.captured
            .now
            .push(humantime::format_rfc3339_millis(t).to_string());
        t
    }

    /// A new UUID (v7 in production).
    pub fn uuid(&mut self) -> Uuid {
        let u = match &mut self.kind {
            Kind::Live => Uuid::now_v7(),
            Kind::Replay { uuid, seed, .. } => uuid.pop_front().unwrap_or_else(|| {
                let hi = splitmix64(seed);
                let lo = splitmix64(seed);
                let mut bytes = [0u8; 16];
                bytes[..8].copy_from_slice(&hi.to_be_bytes());
                bytes[8..].copy_from_slice(&lo.to_be_bytes());
                uuid::Builder::from_random_bytes(bytes).into_uuid()
            }),
        };
        self.captured.uuid.push(u.to_string());
        u
    }

    /// A random number in `[0, 1)`.
    pub fn random(&mut self) -> f64 {
        let r = match &mut self.kind {
            Kind::Live => unit_f64(Uuid::new_v4().as_u128() as u64),
            Kind::Replay { random, seed, .. } => random
                .pop_front()
                .unwrap_or_else(|| unit_f64(splitmix64(seed))),
        };
        self.captured.random.push(r);
        r
    }

    /// Every value handed out so far.
    pub fn captured(&self) -> &CapturedValues {
        &self.captured
    }
}

/// The last millisecond RFC 3339 can write (9999-12-31T23:59:59.999Z); humantime refuses to
/// format later times.
pub fn latest() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(253_402_300_799_999)
}

/// `base + elapsed`, saturating at [`latest`]: a cassette may record any duration, and virtual
/// time can run past what a timestamp can hold.
pub fn later(base: SystemTime, elapsed: Duration) -> SystemTime {
    base.checked_add(elapsed)
        .map_or(latest(), |t| t.min(latest()))
}

fn unit_f64(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// SplitMix64: a small, well-known deterministic generator.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit seed from a string (FNV-1a), e.g. from a fixture id.
pub fn seed_from(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_returns_recorded_values_then_deterministic_ones() {
        let recorded = CapturedValues {
            now: vec!["2026-01-02T03:04:05Z".into()],
            uuid: vec!["67e55044-10b1-426f-9247-bb680e5fe0c8".into()],
            random: vec![0.25],
        };
        let base = humantime::parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let mut a = ValueSource::replay(&recorded, base, seed_from("x"));
        let mut b = ValueSource::replay(&recorded, base, seed_from("x"));
        assert_eq!(
            a.now(Duration::ZERO),
            humantime::parse_rfc3339("2026-01-02T03:04:05Z").unwrap()
        );
        assert_eq!(a.now(Duration::from_secs(5)), base + Duration::from_secs(5));
        assert_eq!(a.uuid().to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
        assert_eq!(a.random(), 0.25);
        b.uuid();
        b.random();
        assert_eq!(a.uuid(), b.uuid());
        let r = a.random();
        assert_eq!(r, b.random());
        assert!((0.0..1.0).contains(&r));
        assert_eq!(a.captured().random.len(), 2);
    }

    #[test]
    fn virtual_time_saturates_at_the_last_writable_timestamp() {
        // Regression: formatting a time after year 9999 panicked inside `ctx.now()`.
        let base = humantime::parse_rfc3339("9999-12-31T23:59:59Z").unwrap();
        let mut values = ValueSource::replay(&CapturedValues::default(), base, 1);
        assert_eq!(values.now(Duration::MAX), latest());
        assert_eq!(values.now(Duration::from_secs(5)), latest());
        assert_eq!(values.captured().now[0], "9999-12-31T23:59:59.999Z");
    }
}
