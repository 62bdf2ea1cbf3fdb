//! `random`: the Mersenne Twister (MT19937) seeded exactly as CPython
//! seeds it from an int (`init_by_array` over the 32-bit words of |seed|),
//! with CPython's derivations (`random()` from 53 bits, `getrandbits`,
//! `_randbelow` by rejection over `getrandbits`), so a seeded program sees
//! CPython's sequence. One generator per runtime, behind a lock.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{Signed, ToPrimitive, Zero};
use parking_lot::Mutex;
use stillpoint_gc::Gc;

use super::{float_arg, int_arg, ModuleBuilder};
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::{ObjectData, PyObject};
use crate::value::Value;

type Args<'x> = &'x [Value];
type Kwargs<'x> = &'x [(Value, Value)];

const N: usize = 624;
const M: usize = 397;

/// MT19937 state.
pub struct Mt19937 {
    state: Box<[u32; N]>,
    index: usize,
}

impl Mt19937 {
    fn init_genrand(seed: u32) -> Mt19937 {
        let mut state = Box::new([0u32; N]);
        state[0] = seed;
        for k in 1..N {
            let prev = state[k - 1];
            state[k] = 1812433253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(k as u32);
        }
        Mt19937 { state, index: N }
    }

    /// Seeded from 32-bit words (least significant first).
    pub fn from_key(key: &[u32]) -> Mt19937 {
        let mut g = Mt19937::init_genrand(19650218);
        let mt = &mut g.state;
        let (mut i, mut j) = (1usize, 0usize);
        let len = key.len().max(1);
        for _ in 0..N.max(len) {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1664525))
                .wrapping_add(key.get(j).copied().unwrap_or(0))
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= len {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1];
            mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1566083941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        g
    }

    /// Seeded from an int as CPython's `random.seed(n)`.
    pub fn from_int(n: &BigInt) -> Mt19937 {
        let mut key = n.magnitude().to_u32_digits();
        if key.is_empty() {
            key.push(0);
        }
        Mt19937::from_key(&key)
    }

    fn twist(&mut self) {
        let mt = &mut self.state;
        for k in 0..N {
            let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % N] & 0x7fff_ffff);
            let mut v = mt[(k + M) % N] ^ (y >> 1);
            if y & 1 != 0 {
                v ^= 0x9908_b0df;
            }
            mt[k] = v;
        }
        self.index = 0;
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: 53 random bits as a float in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
    }

    /// `getrandbits(k)`.
    pub fn getrandbits(&mut self, k: u64) -> BigUint {
        if k == 0 {
            return BigUint::zero();
        }
        if k <= 32 {
            return BigUint::from(self.next_u32() >> (32 - k));
        }
        let words = k.div_ceil(32) as usize;
        let mut digits = Vec::with_capacity(words);
        let mut left = k;
        for _ in 0..words {
            let mut r = self.next_u32();
            if left < 32 {
                r >>= 32 - left;
            }
            digits.push(r);
            left = left.saturating_sub(32);
        }
        BigUint::new(digits)
    }

    /// `_randbelow(n)` for n > 0: rejection sampling over `getrandbits`.
    pub fn randbelow(&mut self, n: &BigUint) -> BigUint {
        let k = n.bits();
        loop {
            let r = self.getrandbits(k);
            if &r < n {
                return r;
            }
        }
    }
}

/// The runtime's shared generator (seeded from the clock until `seed`).
pub struct RandomState(Mutex<Mt19937>);

impl Default for RandomState {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let key = [
            nanos as u32,
            (nanos >> 32) as u32,
            (nanos >> 64) as u32,
            std::process::id(),
        ];
        RandomState(Mutex::new(Mt19937::from_key(&key)))
    }
}

/// The `random` module.
pub fn create(i: &mut Interp<'_>) -> Gc<PyObject> {
    let mut b = ModuleBuilder::new(i, "random");
    let functions: &[(&'static str, NativeFn)] = &[
        ("seed", seed),
        ("random", random),
        ("getrandbits", getrandbits),
        ("randrange", randrange),
        ("randint", randint),
        ("choice", choice),
        ("shuffle", shuffle),
        ("uniform", uniform),
    ];
    b.functions(i, functions);
    b.finish(i)
}

fn generator<'r>(i: &Interp<'r>) -> &'r Mutex<Mt19937> {
    &i.rt.random.0
}

fn seed(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let g = match args.first() {
        None => Mt19937::from_key(&[0]),
        Some(v) if v.is_none() => {
            let fresh = RandomState::default();
            fresh.0.into_inner()
        }
        Some(v) if i.str_of(*v).is_some() => {
            let text = i.str_of(*v).unwrap_or_default();
            Mt19937::from_int(&str_seed(&text))
        }
        Some(v) => {
            let n = match v.as_float() {
                Some(_) => BigInt::from(i.hash(*v)?),
                None => match int_arg(i, *v) {
                    Ok(n) => n,
                    Err(_) => {
                        let h = i.hash(*v)?;
                        BigInt::from(h)
                    }
                },
            };
            Mt19937::from_int(&n)
        }
    };
    *generator(i).lock() = g;
    Ok(Value::NONE)
}

/// The int CPython's version-2 seeding makes of a str: its UTF-8 bytes
/// followed by their SHA-512 digest, read as one big-endian number.
fn str_seed(text: &str) -> BigInt {
    use sha2::{Digest, Sha512};
    let mut bytes = text.as_bytes().to_vec();
    bytes.extend_from_slice(&Sha512::digest(text.as_bytes()));
    BigInt::from_bytes_be(num_bigint::Sign::Plus, &bytes)
}

fn random(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = generator(i).lock().random();
    Ok(Value::float(r))
}

fn getrandbits(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let k = int_arg(i, args.first().copied().unwrap_or(Value::NONE))?;
    if k.is_negative() {
        return i.value_error("number of bits must be non-negative");
    }
    let k = k.to_u64().unwrap_or(u64::MAX);
    let r = generator(i).lock().getrandbits(k);
    Ok(i.new_bigint(BigInt::from(r)))
}

fn randbelow(i: &Interp<'_>, n: &BigInt) -> BigInt {
    let n = n.magnitude();
    BigInt::from_biguint(Sign::Plus, generator(i).lock().randbelow(n))
}

fn index_arg(i: &mut Interp<'_>, v: Value) -> PyResult<BigInt> {
    if v.as_float().is_some() {
        return i.type_error("'float' object cannot be interpreted as an integer");
    }
    int_arg(i, v)
}

fn randrange_impl(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<BigInt> {
    let start = match super::arg(i, args, kwargs, 0, "start") {
        Some(v) => index_arg(i, v)?,
        None => return i.type_error("randrange() missing 1 required positional argument: 'start'"),
    };
    let stop = super::arg(i, args, kwargs, 1, "stop").filter(|v| !v.is_none());
    let step = match super::arg(i, args, kwargs, 2, "step") {
        Some(v) => index_arg(i, v)?,
        None => BigInt::from(1),
    };
    let Some(stop) = stop else {
        if step != BigInt::from(1) {
            return i.type_error("Missing a non-None stop argument");
        }
        if start.is_positive() {
            return Ok(randbelow(i, &start));
        }
        return i.value_error("empty range for randrange()");
    };
    let stop = index_arg(i, stop)?;
    let width = &stop - &start;
    if step == BigInt::from(1) {
        if width.is_positive() {
            return Ok(&start + randbelow(i, &width));
        }
        let msg = format!("empty range for randrange() ({start}, {stop}, {width})");
        return i.value_error(&msg);
    }
    if step.is_zero() {
        return i.value_error("zero step for randrange()");
    }
    // Python's floor division.
    let n = {
        use num_integer::Integer;
        let num: BigInt = if step.is_positive() {
            &width + &step - 1
        } else {
            &width + &step + 1
        };
        num.div_floor(&step)
    };
    if !n.is_positive() {
        return i.value_error("empty range for randrange()");
    }
    Ok(&start + &step * randbelow(i, &n))
}

fn randrange(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let r = randrange_impl(i, args, kwargs)?;
    Ok(i.new_bigint(r))
}

fn randint(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    if args.len() != 2 {
        return i.type_error("randint() takes 2 positional arguments");
    }
    let b = index_arg(i, args[1])? + 1;
    let stop = i.new_bigint(b);
    let r = randrange_impl(i, &[args[0], stop], &[])?;
    Ok(i.new_bigint(r))
}

fn choice(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(&seq) = args.first() else {
        return i.type_error("choice() missing 1 required positional argument: 'seq'");
    };
    let n = i.len(seq)?;
    if n == 0 {
        return Err(i.new_exception(
            i.rt.types.index_error,
            "Cannot choose from an empty sequence",
        ));
    }
    let k = randbelow(i, &BigInt::from(n)).to_i64().unwrap_or(0);
    let key = i.new_int(k);
    i.get_item(seq, key)
}

fn shuffle(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(&seq) = args.first() else {
        return i.type_error("shuffle() missing 1 required positional argument: 'x'");
    };
    let Some(ObjectData::List(list)) = seq.data() else {
        let msg = format!(
            "'{}' object does not support item assignment",
            i.type_name(seq)
        );
        return i.type_error(&msg);
    };
    let n = list.lock().len();
    for k in (1..n).rev() {
        let j = randbelow(i, &BigInt::from(k + 1)).to_usize().unwrap_or(0);
        let mut items = list.lock();
        if k < items.len() && j < items.len() {
            items.swap(k, j);
        }
    }
    Ok(Value::NONE)
}

fn uniform(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    if args.len() != 2 {
        return i.type_error("uniform() takes 2 positional arguments");
    }
    let a = float_arg(i, args[0])?;
    let b = float_arg(i, args[1])?;
    let r = generator(i).lock().random();
    Ok(Value::float(a + (b - a) * r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sequences_match_cpython() {
        // python3 -c "import random; random.seed(42); print(random.random(), random.getrandbits(32))"
        let mut g = Mt19937::from_int(&BigInt::from(42));
        assert_eq!(g.random(), 0.6394267984578837);
        let mut g = Mt19937::from_int(&BigInt::from(0));
        assert_eq!(g.random(), 0.8444218515250481);
    }

    #[test]
    fn str_seeds_match_cpython() {
        // python3 -c "import random; random.seed('abc'); print(random.random())"
        let mut g = Mt19937::from_int(&str_seed("abc"));
        assert_eq!(g.random(), 0.7720246314157545);
        let mut g = Mt19937::from_int(&str_seed(""));
        assert_eq!(g.random(), 0.9602256525641875);
    }
}
