namespace StatNeuro.Dynamics;

/// <summary>The ODE solvers by short name (the CLI's <c>--method</c> values).</summary>
/// <remarks>
/// euler, midpoint, heun, rk4, dp45 (fixed-step methods use <see cref="SolveOptions.StepSize"/>; dp45 is adaptive and
/// uses it as the initial step), bs32 (adaptive Bogacki–Shampine), exp-euler (needs an
/// <see cref="IConditionallyLinearSystem"/>), implicit (backward Euler, fixed step), rosenbrock23 (adaptive, stiff).
/// </remarks>
public static class OdeSolvers
{
    /// <summary>Every accepted name, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["euler", "midpoint", "heun", "rk4", "dp45", "bs32", "exp-euler", "implicit", "rosenbrock23"];

    /// <summary>Creates the solver with the given name (case-insensitive).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The solver.</returns>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static IOdeSolver Create(string name) =>
        TryCreate(name, out IOdeSolver? solver)
            ? solver
            : throw new ArgumentException($"Unknown ODE method '{name}'; use one of: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Creates the solver with the given name, or returns false.</summary>
    /// <param name="name">Method name (case-insensitive).</param>
    /// <param name="solver">The solver when found.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryCreate(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IOdeSolver? solver)
    {
        solver = name?.Trim().ToLowerInvariant() switch
        {
            "euler" => new ExplicitRungeKutta(ButcherTableaus.Euler),
            "midpoint" => new ExplicitRungeKutta(ButcherTableaus.Midpoint),
            "heun" => new ExplicitRungeKutta(ButcherTableaus.Heun),
            "rk4" => new ExplicitRungeKutta(ButcherTableaus.RungeKutta4),
            "dp45" or "dp5" or "dopri5" => new AdaptiveRungeKutta(ButcherTableaus.DormandPrince54),
            "bs32" => new AdaptiveRungeKutta(ButcherTableaus.BogackiShampine32),
            "exp-euler" => new ExponentialEuler(),
            "implicit" or "backward-euler" => new BackwardEuler(),
            "rosenbrock23" => new Rosenbrock23(),
            _ => null,
        };
        return solver is not null;
    }
}
