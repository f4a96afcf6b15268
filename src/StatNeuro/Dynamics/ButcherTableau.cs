namespace StatNeuro.Dynamics;

/// <summary>
/// The coefficients of an explicit Runge–Kutta method as data: the stage matrix A (strictly lower triangular),
/// the weights b, the nodes c, and optionally embedded weights b̂ (error estimate) and dense-output weights b(θ).
/// </summary>
/// <remarks>
/// One step from (t_n, y_n) with step h is
/// k_i = f(t_n + c_i h, y_n + h Σ_{j&lt;i} a_ij k_j), i = 1..s, and y_{n+1} = y_n + h Σ_i b_i k_i
/// (Butcher 2016, <i>Numerical Methods for Ordinary Differential Equations</i>, §23; Hairer, Nørsett &amp; Wanner 1993,
/// <i>Solving ODEs I</i>, §II.1). The method has order p when Σ_i b_i Φ_i(τ) = 1/γ(τ) for every rooted tree τ with
/// at most p vertices (Butcher's order conditions; Φ the elementary weight, γ the tree factor); see
/// <see cref="OrderConditionResidual(int)"/>. The dense output is y(t_n + θh) = y_n + h Σ_i b_i(θ) k_i with
/// b_i(θ) = Σ_q D_iq θ^{q+1} (<see cref="DenseOutput"/>).
/// </remarks>
/// <param name="Name">Method name.</param>
/// <param name="A">Stage matrix a_ij (s × s, strictly lower triangular for an explicit method).</param>
/// <param name="B">Weights b_i of the propagated solution (length s).</param>
/// <param name="C">Nodes c_i (length s); c_i = Σ_j a_ij.</param>
/// <param name="Order">Classical order p of the weights <paramref name="B"/>.</param>
/// <param name="BEmbedded">Embedded weights b̂_i of an error estimator, or null.</param>
/// <param name="EmbeddedOrder">Order of the embedded weights (0 when there are none).</param>
public sealed record ButcherTableau(string Name, double[,] A, double[] B, double[] C, int Order, double[]? BEmbedded = null, int EmbeddedOrder = 0)
{
    /// <summary>
    /// Dense-output polynomial coefficients D (s × q): b_i(θ) = Σ_{m=0}^{q−1} D[i, m] θ^{m+1}, so that b_i(1) = b_i.
    /// Null when the method has no built-in interpolant (solvers then use cubic Hermite interpolation).
    /// </summary>
    public double[,]? DenseOutput { get; init; }

    /// <summary>Order of the dense output (0 when there is none).</summary>
    public int DenseOutputOrder { get; init; }

    /// <summary>Number of stages s.</summary>
    public int Stages => B.Length;

    /// <summary>True when the last stage is evaluated at (t_n + h, y_{n+1}) so it can be reused as the next step's first stage (FSAL).</summary>
    public bool IsFirstSameAsLast
    {
        get
        {
            int s = Stages;
            if (C[s - 1] != 1.0)
            {
                return false;
            }

            for (int j = 0; j < s; j++)
            {
                if (A[s - 1, j] != B[j])
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Checks the shape of the tableau; throws on a malformed one.</summary>
    /// <exception cref="ArgumentException">Mismatched lengths, a non-explicit stage matrix, or non-finite entries.</exception>
    public void Validate()
    {
        int s = B.Length;
        if (s == 0 || A.GetLength(0) != s || A.GetLength(1) != s || C.Length != s)
        {
            throw new ArgumentException($"Tableau '{Name}': A must be s×s and c of length s = {s} (the length of b).");
        }

        if (BEmbedded is not null && BEmbedded.Length != s)
        {
            throw new ArgumentException($"Tableau '{Name}': embedded weights must have length {s}.");
        }

        if (DenseOutput is not null && DenseOutput.GetLength(0) != s)
        {
            throw new ArgumentException($"Tableau '{Name}': dense output must have {s} rows.");
        }

        for (int i = 0; i < s; i++)
        {
            if (!double.IsFinite(B[i]) || !double.IsFinite(C[i]))
            {
                throw new ArgumentException($"Tableau '{Name}': non-finite coefficient in b or c.");
            }

            for (int j = i; j < s; j++)
            {
                if (A[i, j] != 0.0)
                {
                    throw new ArgumentException($"Tableau '{Name}': a[{i},{j}] ≠ 0; only explicit (strictly lower-triangular) tableaus are supported.");
                }
            }
        }
    }

    /// <summary>Largest |c_i − Σ_j a_ij| (the row-sum condition assumed by the order conditions).</summary>
    /// <returns>The residual.</returns>
    public double RowSumResidual()
    {
        double worst = 0;
        for (int i = 0; i < Stages; i++)
        {
            double sum = 0;
            for (int j = 0; j < Stages; j++)
            {
                sum += A[i, j];
            }

            worst = Math.Max(worst, Math.Abs(sum - C[i]));
        }

        return worst;
    }

    /// <summary>
    /// Largest residual |Σ_i b_i Φ_i(τ) − 1/γ(τ)| over all rooted trees τ with exactly <paramref name="order"/>
    /// vertices, for the main weights b.
    /// </summary>
    /// <remarks>Butcher's order conditions (HNW 1993, Thm. II.2.13). Trees are generated up to order 8.</remarks>
    /// <param name="order">Tree order, 1..8.</param>
    /// <returns>The largest residual (0 for an exact method up to rounding).</returns>
    public double OrderConditionResidual(int order) => OrderConditionResidual(order, B, 1.0);

    /// <summary>Largest order-condition residual of order <paramref name="order"/> for the embedded weights b̂.</summary>
    /// <param name="order">Tree order, 1..8.</param>
    /// <returns>The residual.</returns>
    /// <exception cref="InvalidOperationException">The tableau has no embedded weights.</exception>
    public double EmbeddedOrderConditionResidual(int order) =>
        OrderConditionResidual(order, BEmbedded ?? throw new InvalidOperationException($"Tableau '{Name}' has no embedded weights."), 1.0);

    /// <summary>
    /// Largest residual |Σ_i b_i(θ) Φ_i(τ) − θ^|τ|/γ(τ)| of the dense output at fraction <paramref name="theta"/> over
    /// trees of order <paramref name="order"/> (the interpolant has order q when these vanish for |τ| ≤ q).
    /// </summary>
    /// <param name="order">Tree order, 1..8.</param>
    /// <param name="theta">Fraction of the step, in [0, 1].</param>
    /// <returns>The residual.</returns>
    /// <exception cref="InvalidOperationException">The tableau has no dense output.</exception>
    public double DenseOutputConditionResidual(int order, double theta)
    {
        var w = new double[Stages];
        DenseWeights(theta, w);
        return OrderConditionResidual(order, w, Math.Pow(theta, order));
    }

    /// <summary>Highest p ≤ <paramref name="maxOrder"/> such that all order conditions up to p hold within <paramref name="tolerance"/>.</summary>
    /// <param name="maxOrder">Highest order to test (≤ 8).</param>
    /// <param name="tolerance">Residual tolerance.</param>
    /// <returns>The verified order.</returns>
    public int VerifiedOrder(int maxOrder = 6, double tolerance = 1e-14)
    {
        int p = 0;
        for (int q = 1; q <= maxOrder; q++)
        {
            if (OrderConditionResidual(q) > tolerance)
            {
                break;
            }

            p = q;
        }

        return p;
    }

    /// <summary>Writes the dense-output weights b_i(θ) into <paramref name="destination"/>.</summary>
    /// <param name="theta">Fraction of the step θ ∈ [0, 1].</param>
    /// <param name="destination">Length <see cref="Stages"/>.</param>
    /// <exception cref="InvalidOperationException">The tableau has no dense output.</exception>
    public void DenseWeights(double theta, Span<double> destination)
    {
        double[,] d = DenseOutput ?? throw new InvalidOperationException($"Tableau '{Name}' has no dense output.");
        int q = d.GetLength(1);
        for (int i = 0; i < Stages; i++)
        {
            // Horner in θ: b_i(θ) = θ (D0 + θ (D1 + θ (...))).
            double acc = 0;
            for (int m = q - 1; m >= 0; m--)
            {
                acc = acc * theta + d[i, m];
            }

            destination[i] = acc * theta;
        }
    }

    private double OrderConditionResidual(int order, double[] weights, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, RootedTrees.MaxOrder);
        int s = Stages;
        IReadOnlyList<RootedTrees.Tree> trees = RootedTrees.All;

        // Φ(τ) as a stage vector for every tree up to this order, in generation order (children come first).
        var phi = new double[trees.Count][];
        double worst = 0;
        for (int t = 0; t < trees.Count && trees[t].Order <= order; t++)
        {
            var v = new double[s];
            Array.Fill(v, 1.0);
            foreach (int child in trees[t].Children)
            {
                for (int i = 0; i < s; i++)
                {
                    double sum = 0;
                    for (int j = 0; j < s; j++)
                    {
                        sum += A[i, j] * phi[child][j];
                    }

                    v[i] *= sum;
                }
            }

            phi[t] = v;
            if (trees[t].Order == order)
            {
                double lhs = 0;
                for (int i = 0; i < s; i++)
                {
                    lhs += weights[i] * v[i];
                }

                worst = Math.Max(worst, Math.Abs(lhs - scale / trees[t].Gamma));
            }
        }

        return worst;
    }
}

/// <summary>Rooted trees up to order 8, generated once: each tree is its root plus a multiset of child trees.</summary>
internal static class RootedTrees
{
    public const int MaxOrder = 8;

    public static IReadOnlyList<Tree> All { get; } = Generate(MaxOrder);

    /// <summary>Number of trees of each order (1, 1, 2, 4, 9, 20, 48, 115; OEIS A000081).</summary>
    public static int CountOfOrder(int order)
    {
        int n = 0;
        foreach (Tree t in All)
        {
            if (t.Order == order)
            {
                n++;
            }
        }

        return n;
    }

    private static List<Tree> Generate(int maxOrder)
    {
        var trees = new List<Tree> { new(1, [], 1.0) };
        for (int n = 2; n <= maxOrder; n++)
        {
            int existing = trees.Count;
            var children = new List<int>();
            AddMultisets(trees, existing, n - 1, 0, children, n);
        }

        return trees;
    }

    // Enumerate multisets of child trees (non-decreasing indices) whose orders sum to `remaining`.
    private static void AddMultisets(List<Tree> trees, int existing, int remaining, int minIndex, List<int> children, int order)
    {
        if (remaining == 0)
        {
            double gamma = order;
            foreach (int c in children)
            {
                gamma *= trees[c].Gamma;
            }

            trees.Add(new Tree(order, [.. children], gamma));
            return;
        }

        for (int c = minIndex; c < existing; c++)
        {
            if (trees[c].Order > remaining)
            {
                continue;
            }

            children.Add(c);
            AddMultisets(trees, existing, remaining - trees[c].Order, c, children, order);
            children.RemoveAt(children.Count - 1);
        }
    }

    internal sealed record Tree(int Order, int[] Children, double Gamma);
}
