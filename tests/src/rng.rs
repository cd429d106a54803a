//! A tiny deterministic generator (SplitMix64): the same workload and the
//! same simulated schedule for the same seed, with no dependency.

/// SplitMix64 state.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One of `items` (not empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PHRASES: &[&str] = &[
    "本人は落ち着いた様子で面会に応じた。",
    "退院後の生活について不安を口にした。",
    "服薬は自己管理できており、残薬はなかった。",
    "ピアサポーターと一緒に商店街を歩いた。",
    "グループホームの見学を希望している。",
    "家族との連絡は月に一度程度とのこと。",
    "夜間はよく眠れていると話していた。",
    "次回は体験部屋の利用について相談する。",
    "主治医から外出許可が出たと報告があった。",
    "金銭管理について練習を続けることにした。",
];

/// About `chars` characters of synthetic Japanese case-note text.
pub fn japanese_text(rng: &mut Rng, chars: usize) -> String {
    let mut text = String::new();
    while text.chars().count() < chars {
        text.push_str(rng.pick::<&str>(PHRASES));
    }
    text.chars().take(chars).collect()
}
