#!/usr/bin/python3
"""Golden values for struna's dsp package, computed with scipy.signal.

Regenerate (from the repository root) with Debian's Python, which has scipy:

    /usr/bin/python3 dsp/testdata/make_golden.py

Produced with scipy 1.10.1 and numpy 1.24.2 (the versions are also written
into every JSON file). The input signals are generated here by a 64-bit LCG
and AR(2) recursions written with one IEEE operation per step, so that
dsp's tests regenerate them bit for bit in Go (golden_test.go: goldenInput)
instead of storing them; each file records a few input values and the input
sum so the tests can prove the regeneration is exact.
"""
import json
import os

import numpy as np
import scipy
import scipy.signal as ss

OUT = os.path.dirname(os.path.abspath(__file__))

MASK = (1 << 64) - 1


def lcg_uniform(seed, n):
    """n uniforms in [0, 1) from Knuth's MMIX LCG, top 53 bits (exact)."""
    s = seed & MASK
    out = []
    for _ in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        out.append((s >> 11) / 9007199254740992.0)
    return out


def make_input(seed, n, nch):
    """nch channels of n samples: two lightly damped AR(2) 'modes' driven by
    LCG noise, mixed with fixed weights, plus independent noise and a slow
    ramp. Every operation is a single IEEE multiply or add, in this order."""
    e1 = lcg_uniform(seed, n)
    e2 = lcg_uniform(seed + 1, n)
    y1 = [0.0] * n
    y2 = [0.0] * n
    for t in range(n):
        p1 = y1[t - 1] if t >= 1 else 0.0
        q1 = y1[t - 2] if t >= 2 else 0.0
        p2 = y2[t - 1] if t >= 1 else 0.0
        q2 = y2[t - 2] if t >= 2 else 0.0
        y1[t] = 1.8 * p1 - 0.95 * q1 + (e1[t] - 0.5)
        y2[t] = 0.6 * p2 - 0.9 * q2 + (e2[t] - 0.5)
    mix = [(1.0, 0.5), (0.75, -1.25), (-0.5, 2.0), (1.5, 0.25)]
    x = []
    for c in range(nch):
        u = lcg_uniform(seed + 10 + c, n)
        m1, m2 = mix[c % len(mix)]
        x.append([m1 * y1[t] + m2 * y2[t] + 0.1 * (u[t] - 0.5) + 0.01 * t
                  for t in range(n)])
    return x


def meta(seed, n, nch, x):
    return {
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "input": {"seed": seed, "n": n, "channels": nch,
                  "first": [c[:4] for c in x],
                  "sum": [float(sum(c)) for c in x]},
    }


def dump(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def arr(a):
    return np.asarray(a, dtype=float).tolist()


def cplx(a):
    a = np.asarray(a)
    return {"re": arr(a.real), "im": arr(a.imag)}


def filters():
    seed, n = 7, 400
    x = make_input(seed, n, 1)
    x0 = np.array(x[0])
    fs = 100.0
    out = meta(seed, n, 1, x)
    cases = []
    bands = [("lowpass", 7.5, None), ("highpass", 3.3, None),
             ("bandpass", 2.0, 12.5), ("lowpass", 40.0, None),
             ("bandpass", 0.5, 45.0)]
    for order in (1, 2, 4, 5, 8):
        for kind, f1, f2 in bands:
            wn = f1 if f2 is None else [f1, f2]
            sos = ss.butter(order, wn, btype=kind, fs=fs, output="sos")
            c = {"design": "butter", "order": order, "kind": kind,
                 "f1": f1, "f2": f2 if f2 is not None else 0.0, "fs": fs,
                 "rp": 0.0, "sos": arr(sos),
                 "padlen": int(3 * (2 * len(sos) + 1 - min((sos[:, 2] == 0).sum(), (sos[:, 5] == 0).sum())))}
            if order in (2, 4, 5, 8) and f1 < 10:
                c["sosfilt"] = arr(ss.sosfilt(sos, x0))
                c["sosfiltfilt"] = arr(ss.sosfiltfilt(sos, x0))
                w, h = ss.sosfreqz(sos, worN=[0.0, 1.0, f1, 10.0, 30.0, 49.0], fs=fs)
                c["resp_f"] = arr(w)
                c["resp"] = cplx(h)
            cases.append(c)
    # The Chebyshev I filters decimate uses.
    for q in range(1, 14):
        sos = ss.cheby1(8, 0.05, 0.8 / q, output="sos")
        cases.append({"design": "cheby1", "order": 8, "kind": "lowpass",
                      "f1": 0.8 / q, "f2": 0.0, "fs": 2.0, "rp": 0.05,
                      "sos": arr(sos)})
    out["cases"] = cases
    dump("filters.json", out)


def resampling():
    seed, n = 11, 501
    x = make_input(seed, n, 1)
    x0 = np.array(x[0])
    out = meta(seed, n, 1, x)
    out["decimate"] = [{"q": q, "y": arr(ss.decimate(x0, q))}
                       for q in (1, 2, 3, 4, 5, 7, 10, 13)]
    out["decimate_short"] = [{"q": q, "n": m, "y": arr(ss.decimate(x0[:m], q))}
                             for q, m in ((2, 28), (5, 100), (3, 31))]
    out["resample_poly"] = [{"up": u, "down": d, "y": arr(ss.resample_poly(x0, u, d))}
                            for u, d in ((1, 2), (2, 1), (3, 2), (2, 3), (1, 5),
                                         (5, 4), (4, 6), (1, 10), (7, 3))]
    dump("resample.json", out)


def windows():
    out = {"scipy": scipy.__version__, "numpy": np.__version__, "cases": []}
    specs = [("hann", "hann"), ("hamming", "hamming"),
             ("blackman", "blackman"), ("flattop", "flattop"),
             ("tukey", ("tukey", 0.5)), ("tukey0.25", ("tukey", 0.25)),
             ("tukey1", ("tukey", 1.0)), ("tukey0", ("tukey", 0.0)),
             ("boxcar", "boxcar"), ("kaiser5", ("kaiser", 5.0)),
             ("kaiser8.6", ("kaiser", 8.6))]
    for name, spec in specs:
        for n in (1, 2, 3, 7, 16, 33, 64):
            for sym in (True, False):
                w = ss.get_window(spec, n, fftbins=not sym)
                out["cases"].append({"name": name, "n": n, "sym": sym, "w": arr(w)})
    dump("windows.json", out)


def spectra():
    seed, n, nch, fs = 3, 4000, 3, 50.0
    x = make_input(seed, n, nch)
    X = np.array(x)
    out = meta(seed, n, nch, x)
    variants = [
        {"name": "default256", "nperseg": 256},
        {"name": "n400_linear", "nperseg": 400, "detrend": "linear"},
        {"name": "n300_noverlap0", "nperseg": 300, "noverlap": 0},
        {"name": "n301_odd", "nperseg": 301, "noverlap": 100},
        {"name": "n250_nfft300_hamming", "nperseg": 250, "nfft": 300, "window": "hamming"},
        {"name": "n256_spectrum", "nperseg": 256, "scaling": "spectrum"},
        {"name": "n128_nodetrend_twosided", "nperseg": 128, "detrend": False, "twosided": True},
        {"name": "n127_twosided_odd", "nperseg": 127, "twosided": True},
    ]
    cases = []
    for v in variants:
        kw = {"fs": fs, "nperseg": v["nperseg"]}
        if "noverlap" in v:
            kw["noverlap"] = v["noverlap"]
        if "nfft" in v:
            kw["nfft"] = v["nfft"]
        kw["window"] = v.get("window", "hann")
        kw["detrend"] = v.get("detrend", "constant")
        kw["scaling"] = v.get("scaling", "density")
        kw["return_onesided"] = not v.get("twosided", False)
        pairs = []
        freqs = None
        for i in range(nch):
            for j in range(i, nch):  # the lower triangle is the conjugate
                f, p = ss.csd(X[i], X[j], **kw)
                freqs = f
                pairs.append({"i": i, "j": j, **cplx(p)})
        c = dict(v)
        c["detrend"] = str(kw["detrend"])
        c["freqs"] = arr(freqs)
        c["pairs"] = pairs
        # welch's PSD of channel 0 must equal the csd diagonal.
        _, pw = ss.welch(X[0], **kw)
        c["welch0"] = arr(pw)
        cases.append(c)
    out["fs"] = fs
    out["cases"] = cases
    dump("spectra.json", out)


def correlations():
    seed, n, nch, maxlag = 5, 2000, 3, 60
    x = make_input(seed, n, nch)
    X = np.array(x)
    out = meta(seed, n, nch, x)
    out["maxlag"] = maxlag
    unb = np.zeros((maxlag + 1, nch, nch))
    bia = np.zeros((maxlag + 1, nch, nch))
    for i in range(nch):
        for j in range(nch):
            # np.correlate 'full': c[k + n - 1] = sum_t x_i[t + k] x_j[t].
            c = np.correlate(X[i], X[j], mode="full")[n - 1:n + maxlag]
            unb[:, i, j] = c / (n - np.arange(maxlag + 1))
            bia[:, i, j] = c / n
    out["unbiased"] = arr(unb.reshape(-1))
    out["biased"] = arr(bia.reshape(-1))
    dump("correlations.json", out)


if __name__ == "__main__":
    filters()
    resampling()
    windows()
    spectra()
    correlations()
