using System.Numerics;
using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="PseudoLikelihood"/>.</summary>
public sealed record PseudoLikelihoodSettings
{
    /// <summary>L2 penalty λ Σ_{r≠j} W_rj² on the (unsymmetrised) couplings, per sample (default 1e-5: negligible against 1/M for M ≤ 10⁵).</summary>
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
/// J = (W + Wᵀ)/2. All N logistic regressions are solved together by one L-BFGS on their (separable) sum, with
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
        var s = new float[(long)m * stride];
        ReadOnlySpan<sbyte> raw = data.Spins;
        for (int k = 0; k < m; k++)
        {
            for (int i = 0; i < n; i++)
            {
                s[(long)k * stride + i] = raw[k * n + i];
            }
        }

        const int Block = 512;
        int blocks = (m + Block - 1) / Block;
        int chunks = Math.Min(blocks, 32);
        double lambda = settings.L2;
        var partialGrad = new double[chunks][];
        var partialF = new double[chunks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxThreads };

        // Parameters x: h (n), then W row-major n × n (diagonal kept 0).
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
                            float sr = row[r];
                            double a = Math.Abs((double)hr);
                            double e2 = Math.Exp(-2 * a);
                            f += a + Math.Log(1 + e2) - sr * (double)hr;
                            float resid = sr - (float)(Math.Sign(hr) * (1 - e2) / (1 + e2));
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
            double total = 0;
            gradient.Clear();
            for (int c = 0; c < chunks; c++)
            {
                total += partialF[c];
                double[] g = partialGrad[c];
                for (int k = 0; k < gradient.Length; k++)
                {
                    gradient[k] += g[k];
                }
            }

            total /= m;
            for (int k = 0; k < gradient.Length; k++)
            {
                gradient[k] /= m;
            }

            for (int r = 0; r < n; r++)
            {
                gradient[n + r * n + r] = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j != r)
                    {
                        double w = x[n + r * n + j];
                        total += lambda * w * w;
                        gradient[n + r * n + j] += 2 * lambda * w;
                    }
                }
            }

            return total;
        }

        // Start: independent model.
        double[] means = data.Means();
        var x0 = new double[n + n * n];
        for (int i = 0; i < n; i++)
        {
            x0[i] = Math.Atanh(Math.Clamp(means[i], -1 + 1e-6, 1 - 1e-6));
        }

        LbfgsResult res = Lbfgs.Minimize(Objective, x0, settings.GradientTolerance, settings.MaxIterations, memory: 10);
        var h = res.X[..n];
        var jm = new double[n * n];
        double asym = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double a = res.X[n + i * n + j], b = res.X[n + j * n + i];
                jm[i * n + j] = jm[j * n + i] = 0.5 * (a + b);
                asym += (a - b) * (a - b);
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
