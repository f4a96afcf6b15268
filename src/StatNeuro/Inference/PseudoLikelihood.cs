using System.Numerics;
using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="PseudoLikelihood"/>.</summary>
public sealed record PseudoLikelihoodSettings
{
    /// <summary>L2 penalty λ Σ_{r≠j} W_rj² on the (unsymmetrised) couplings, per sample (default 1e-5, i.e. a Gaussian prior of variance 1/(2λM) on each W_rj).</summary>
    public double L2 { get; init; } = 1e-5;

    /// <summary>Stop when the gradient norm of the per-sample objective is below this (the single-precision local
    /// fields put a round-off floor near 1e-5; statistical errors of J are ~1/√M, far larger).</summary>
    public double GradientTolerance { get; init; } = 1e-4;

    /// <summary>Iteration limit of L-BFGS.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Thread limit (−1 = all cores); results do not depend on it.</summary>
    public int MaxThreads { get; init; } = -1;
}

/// <summary>
/// Pseudo-likelihood maximisation (PLM): for every spin r, maximise the conditional log-likelihood
/// ℓ_r = (1/M) Σ_k [s_r H_r − log 2cosh H_r] − λ Σ_{j≠r} W_rj², H_r = h_r + Σ_{j≠r} W_rj s_j, then symmetrise
/// J = (W + Wᵀ)/2 (in the 0/1 convention, keeping the silent-state log-odds; optimised in 0/1 features for
/// conditioning on sparse data, see the comments in Fit). All N logistic regressions are solved together by one L-BFGS on their (separable) sum, with
/// the N × M local fields computed as one blocked single-precision product, parallel over sample blocks.
/// </summary>
/// <remarks>
/// Besag (1975) The Statistician 24:179; Ravikumar, Wainwright &amp; Lafferty (2010) Ann. Stat. 38:1287;
/// Aurell &amp; Ekeberg (2012) Phys. Rev. Lett. 108:090201 (asymmetric PLM, symmetrised afterwards). Consistent:
/// converges to the true parameters as M → ∞.
/// </remarks>
public static class PseudoLikelihood
{
    /// <summary>Fits a raster.</summary>
    /// <param name="data">Training data.</param>
    /// <param name="settings">Penalty and tolerances.</param>
    /// <returns>The symmetrised model; Notes hold the final objective and the asymmetry RMS of W.</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, PseudoLikelihoodSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new PseudoLikelihoodSettings();
        int n = data.NeuronCount, m = data.TimeBins;
        int width = Vector<float>.Count;
        int stride = (n + width - 1) / width * width;
        int total = data.TimeBins;

        // The objective depends on the data only through the distinct patterns and their counts: sparse rasters
        // (the retina: ~10⁵ bins, mostly silent) shrink several-fold, and every evaluation with them.
        (float[] s, float[] counts) = DistinctPatterns(data, stride);
        m = counts.Length;

        const int Block = 512;
        int blocks = (m + Block - 1) / Block;
        int chunks = Math.Min(blocks, 32);
        double lambda = settings.L2;
        var partialGrad = new double[chunks][];
        var partialF = new double[chunks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxThreads };

        // Parameters x in the 0/1 (lattice-gas) features n_j = (1 + s_j)/2: intercepts a (n), then V = 2W row-major
        // n × n (diagonal kept 0); H_r = a_r + Σ_j V_rj n_j = h_r + Σ_j W_rj s_j with a_r = h_r − Σ_j W_rj. The
        // objective is the same function of (h, W), but for sparse rasters the ±1 features s_j ≈ −1 are nearly
        // collinear with the intercept and L-BFGS crawls (the retina: gradient norm 1e-2 after 300 iterations);
        // the 0/1 features are nearly orthogonal to it.
        double Objective(ReadOnlySpan<double> x, Span<double> gradient)
        {
            var wf = new float[n * stride];
            var hf = new float[n];
            for (int r = 0; r < n; r++)
            {
                hf[r] = (float)x[r];
                for (int j = 0; j < n; j++)
                {
                    wf[r * stride + j] = r == j ? 0 : (float)x[n + r * n + j];
                }
            }

            Parallel.For(0, chunks, options, c =>
            {
                var g = partialGrad[c] ??= new double[n + n * n];
                Array.Clear(g);
                var gBlock = new float[n * stride];
                var gh = new double[n];
                var fields = new float[Block * n];
                double f = 0;
                for (int b = blocks * c / chunks; b < blocks * (c + 1) / chunks; b++)
                {
                    int k0 = b * Block, k1 = Math.Min(m, k0 + Block);
                    LocalFields(s, stride, wf, hf, n, k0, k1, fields);
                    Array.Clear(gBlock);
                    for (int k = k0; k < k1; k++)
                    {
                        ReadOnlySpan<float> row = s.AsSpan((int)((long)k * stride), stride);
                        for (int r = 0; r < n; r++)
                        {
                            float hr = fields[(k - k0) * n + r];
                            float sr = 2 * row[r] - 1;
                            double a = Math.Abs((double)hr);
                            double e2 = Math.Exp(-2 * a);
                            float weight = counts[k];
                            f += weight * (a + Math.Log(1 + e2) - sr * (double)hr);
                            float resid = weight * (sr - (float)(Math.Sign(hr) * (1 - e2) / (1 + e2)));
                            gh[r] -= resid;
                            Axpy(-resid, row, gBlock.AsSpan(r * stride, stride));
                        }
                    }

                    for (int r = 0; r < n; r++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            g[n + r * n + j] += gBlock[r * stride + j];
                        }
                    }
                }

                for (int r = 0; r < n; r++)
                {
                    g[r] = gh[r];
                }

                partialF[c] = f;
            });
            double value = 0;
            gradient.Clear();
            for (int c = 0; c < chunks; c++)
            {
                value += partialF[c];
                double[] g = partialGrad[c];
                for (int k = 0; k < gradient.Length; k++)
                {
                    gradient[k] += g[k];
                }
            }

            value /= total;
            for (int k = 0; k < gradient.Length; k++)
            {
                gradient[k] /= total;
            }

            for (int r = 0; r < n; r++)
            {
                gradient[n + r * n + r] = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j != r)
                    {
                        double w = x[n + r * n + j];
                        // V = 2W, so λ W² = (λ/4) V².
                        value += 0.25 * lambda * w * w;
                        gradient[n + r * n + j] += 0.5 * lambda * w;
                    }
                }
            }

            return value;
        }

        // Start: independent model.
        double[] means = data.Means();
        var x0 = new double[n + n * n];
        for (int i = 0; i < n; i++)
        {
            x0[i] = Math.Atanh(Math.Clamp(means[i], -1 + 1e-6, 1 - 1e-6));
        }

        LbfgsResult res = Lbfgs.Minimize(Objective, x0, settings.GradientTolerance, settings.MaxIterations, memory: 10);
        // Symmetrise in the 0/1 convention, keeping the intercepts a_r (the well-determined log-odds of cell r
        // when all others are silent), then convert: J = (V + Vᵀ)/4, h_r = a_r + Σ_j J_rj. Symmetrising W in ±1
        // while keeping h_r instead shifts every silent-state log-odds by Σ_j (W_rj − J_rj), which for sparse data
        // (rare pairs: |W_rj − W_jr| of several units) makes the joint model far more active than the data.
        var h = res.X[..n];
        var jm = new double[n * n];
        double asym = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double a = 0.5 * res.X[n + i * n + j], b = 0.5 * res.X[n + j * n + i];
                jm[i * n + j] = jm[j * n + i] = 0.5 * (a + b);
                asym += (a - b) * (a - b);
            }
        }

        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < n; j++)
            {
                h[r] += jm[r * n + j];
            }
        }

        var notes = new Dictionary<string, double>
        {
            ["pseudo_log_likelihood"] = -res.Value,
            ["gradient_norm"] = res.GradientNorm,
            ["asymmetry_rms"] = Math.Sqrt(asym / Math.Max(1, n * (n - 1) / 2)),
        };
        return new FitResult<IsingModel>(new IsingModel(h, jm), res.Converged, res.Iterations, res.Trace, "plm", notes);
    }

    private static (float[] Patterns, float[] Counts) DistinctPatterns(SpinRaster data, int stride)
    {
        int n = data.NeuronCount;
        var index = new Dictionary<string, int>();
        var order = new List<int>();
        var counts = new List<float>();
        var key = new char[n];
        for (int k = 0; k < data.TimeBins; k++)
        {
            ReadOnlySpan<sbyte> row = data.Row(k);
            for (int i = 0; i < n; i++)
            {
                key[i] = row[i] > 0 ? '1' : '0';
            }

            string name = new(key);
            if (index.TryGetValue(name, out int slot))
            {
                counts[slot]++;
            }
            else
            {
                index[name] = counts.Count;
                order.Add(k);
                counts.Add(1);
            }
        }

        var s = new float[(long)order.Count * stride];
        for (int u = 0; u < order.Count; u++)
        {
            ReadOnlySpan<sbyte> row = data.Row(order[u]);
            for (int i = 0; i < n; i++)
            {
                s[(long)u * stride + i] = row[i] > 0 ? 1 : 0;
            }
        }

        return (s, counts.ToArray());
    }

    private static void LocalFields(float[] s, int stride, float[] w, float[] h, int n, int k0, int k1, float[] fields)
    {
        int width = Vector<float>.Count;
        for (int k = k0; k < k1; k++)
        {
            ReadOnlySpan<float> row = s.AsSpan((int)((long)k * stride), stride);
            int r = 0;
            for (; r + 3 < n; r += 4)
            {
                Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
                ReadOnlySpan<float> w0 = w.AsSpan(r * stride, stride), w1 = w.AsSpan((r + 1) * stride, stride);
                ReadOnlySpan<float> w2 = w.AsSpan((r + 2) * stride, stride), w3 = w.AsSpan((r + 3) * stride, stride);
                for (int c = 0; c < stride; c += width)
                {
                    var v = new Vector<float>(row[c..]);
                    a0 += v * new Vector<float>(w0[c..]);
                    a1 += v * new Vector<float>(w1[c..]);
                    a2 += v * new Vector<float>(w2[c..]);
                    a3 += v * new Vector<float>(w3[c..]);
                }

                int o = (k - k0) * n + r;
                fields[o] = h[r] + Vector.Sum(a0);
                fields[o + 1] = h[r + 1] + Vector.Sum(a1);
                fields[o + 2] = h[r + 2] + Vector.Sum(a2);
                fields[o + 3] = h[r + 3] + Vector.Sum(a3);
            }

            for (; r < n; r++)
            {
                Vector<float> a0 = Vector<float>.Zero;
                ReadOnlySpan<float> w0 = w.AsSpan(r * stride, stride);
                for (int c = 0; c < stride; c += width)
                {
                    a0 += new Vector<float>(row[c..]) * new Vector<float>(w0[c..]);
                }

                fields[(k - k0) * n + r] = h[r] + Vector.Sum(a0);
            }
        }
    }

    private static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int width = Vector<float>.Count;
        var va = new Vector<float>(a);
        for (int c = 0; c < y.Length; c += width)
        {
            (new Vector<float>(y[c..]) + va * new Vector<float>(x[c..])).CopyTo(y[c..]);
        }
    }
}
