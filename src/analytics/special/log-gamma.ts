// log Gamma(x): the natural logarithm of the gamma function (log |Gamma(x)| for x < 0).
//
// Method: Lanczos' approximation
//   Gamma(z + 1) = sqrt(2 pi) t^(z + 1/2) e^(-t) A_g(z),  t = z + g + 1/2,
//   A_g(z) = c_0 + sum_{i=1..8} c_i / (z + i),
// with g = 7 and the nine coefficients of P. Godfrey (relative error ~1e-15 for x >= 1/2),
// and the reflection formula Gamma(x) Gamma(1 - x) = pi / sin(pi x) for x < 1/2.
// Reference: C. Lanczos, "A precision approximation of the gamma function", SIAM J. Numer.
// Anal. B 1 (1964) 86-96; P. Godfrey, "A note on the computation of the convergent Lanczos
// complex gamma approximation" (2001) for this coefficient set. Numerical Recipes 3rd ed.
// (Press et al. 2007) sec. 6.1 describes the method; its gammln uses g = 671/128 with 14
// coefficients, a different set.
//
// x = 0 and the negative integers (poles) give Infinity; NaN gives NaN.
// Plain TypeScript on f64, no Node-only imports: runs in a browser too.

const LANCZOS_G = 7;
const LANCZOS_C = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15); log |Gamma(x)| for x < 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) {
    if (x === 0) return Infinity;
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x); returns log|Gamma(x)|.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS_C[0];
  for (let i = 1; i < LANCZOS_C.length; i++) s += LANCZOS_C[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
