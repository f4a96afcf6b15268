namespace StatNeuro.Dynamics;

/// <summary>The classical explicit Runge–Kutta tableaus, with coefficients written as exact fractions.</summary>
/// <remarks>
/// Euler (1768), explicit midpoint and Heun (Runge 1895, Heun 1900), the classical fourth-order method (Kutta 1901),
/// and Dormand &amp; Prince (1980), "A family of embedded Runge–Kutta formulae", J. Comput. Appl. Math. 6:19–26, with
/// the free fourth-order continuous extension of Hairer, Nørsett &amp; Wanner (1993), <i>Solving ODEs I</i>, §II.6.
/// </remarks>
public static class ButcherTableaus
{
    /// <summary>Forward Euler: y_{n+1} = y_n + h f(t_n, y_n). Order 1.</summary>
    public static ButcherTableau Euler { get; } = new("Euler", new double[,] { { 0 } }, [1.0], [0.0], 1);

    /// <summary>Explicit midpoint: y_{n+1} = y_n + h f(t_n + h/2, y_n + (h/2) f(t_n, y_n)). Order 2 (the slides' mid-point method).</summary>
    public static ButcherTableau Midpoint { get; } = new(
        "Midpoint",
        new double[,] { { 0, 0 }, { 1.0 / 2, 0 } },
        [0.0, 1.0],
        [0.0, 1.0 / 2],
        2);

    /// <summary>Heun's method (explicit trapezoid): y_{n+1} = y_n + (h/2)(k_1 + k_2), k_2 = f(t_n + h, y_n + h k_1). Order 2.</summary>
    public static ButcherTableau Heun { get; } = new(
        "Heun",
        new double[,] { { 0, 0 }, { 1.0, 0 } },
        [1.0 / 2, 1.0 / 2],
        [0.0, 1.0],
        2);

    /// <summary>The classical fourth-order Runge–Kutta method (Kutta 1901): weights 1/6, 1/3, 1/3, 1/6. Order 4.</summary>
    public static ButcherTableau RungeKutta4 { get; } = new(
        "RK4",
        new double[,]
        {
            { 0, 0, 0, 0 },
            { 1.0 / 2, 0, 0, 0 },
            { 0, 1.0 / 2, 0, 0 },
            { 0, 0, 1.0, 0 },
        },
        [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6],
        [0.0, 1.0 / 2, 1.0 / 2, 1.0],
        4);

    /// <summary>
    /// Bogacki–Shampine 3(2) (1989, Appl. Math. Lett. 2:321–325; MATLAB's ode23): 4 stages with FSAL, third-order
    /// weights and second-order embedded weights. No built-in dense output (solvers use cubic Hermite, which is
    /// third order here).
    /// </summary>
    public static ButcherTableau BogackiShampine32 { get; } = new(
        "BogackiShampine32",
        new double[,]
        {
            { 0, 0, 0, 0 },
            { 1.0 / 2, 0, 0, 0 },
            { 0, 3.0 / 4, 0, 0 },
            { 2.0 / 9, 1.0 / 3, 4.0 / 9, 0 },
        },
        [2.0 / 9, 1.0 / 3, 4.0 / 9, 0],
        [0, 1.0 / 2, 3.0 / 4, 1],
        3,
        [7.0 / 24, 1.0 / 4, 1.0 / 3, 1.0 / 8],
        2);

    /// <summary>
    /// Dormand–Prince 5(4) (DOPRI5): 7 stages with FSAL, fifth-order propagated weights, fourth-order embedded
    /// weights for the error estimate, and a free fourth-order dense output.
    /// </summary>
    public static ButcherTableau DormandPrince54 { get; } = CreateDormandPrince54();

    /// <summary>All tableaus of this class, in order of increasing order.</summary>
    public static IReadOnlyList<ButcherTableau> All { get; } = [Euler, Midpoint, Heun, BogackiShampine32, RungeKutta4, DormandPrince54];

    private static ButcherTableau CreateDormandPrince54()
    {
        double[,] a =
        {
            { 0, 0, 0, 0, 0, 0, 0 },
            { 1.0 / 5, 0, 0, 0, 0, 0, 0 },
            { 3.0 / 40, 9.0 / 40, 0, 0, 0, 0, 0 },
            { 44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0, 0, 0 },
            { 19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0, 0, 0 },
            { 9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656, 0, 0 },
            { 35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0 },
        };
        double[] b = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0];
        double[] bHat = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40];
        double[] c = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1];

        // Free 4th-order interpolant (HNW 1993, §II.6, the continuous extension of DOPRI5):
        //   y(t+θh) = y0 + θ h [B + (1−θ)(k1 − B + θ(2B − k1 − k7 + (1−θ) Σ d_i k_i))],  B = Σ b_i k_i,
        // expanded to b_i(θ) = θ e_i + θ²(v_i + d_i − u_i) − θ³(v_i + 2 d_i) + θ⁴ d_i
        // with e_i = δ_i1, u_i = e_i − b_i, v_i = 2 b_i − e_i − δ_i7.
        double[] d =
        [
            -12715105075.0 / 11282082432, 0, 87487479700.0 / 32700410799, -10690763975.0 / 1880347072,
            701980252875.0 / 199316789632, -1453857185.0 / 822651844, 69997945.0 / 29380423,
        ];
        var dense = new double[7, 4];
        for (int i = 0; i < 7; i++)
        {
            double e = i == 0 ? 1 : 0;
            double g = i == 6 ? 1 : 0;
            double u = e - b[i];
            double v = 2 * b[i] - e - g;
            dense[i, 0] = e;
            dense[i, 1] = v + d[i] - u;
            dense[i, 2] = -(v + 2 * d[i]);
            dense[i, 3] = d[i];
        }

        return new ButcherTableau("DormandPrince54", a, b, c, 5, bHat, 4) { DenseOutput = dense, DenseOutputOrder = 4 };
    }
}
