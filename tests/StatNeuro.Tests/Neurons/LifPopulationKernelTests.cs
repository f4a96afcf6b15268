using StatNeuro.Neurons;
using StatNeuro.Numerics;

namespace StatNeuro.Tests.Neurons;

public class LifPopulationKernelTests
{
    [Fact]
    public void Simd_AgreesWithScalar_AndWithClosedForm()
    {
        const int n = 1003; // not a multiple of the vector width: exercises the tail
        var rng = new RandomStreams(5).For(StreamPurpose.InitialState);
        var v1 = new double[n];
        var drive = new double[n];
        for (int i = 0; i < n; i++)
        {
            v1[i] = rng.NextUniform(-70, -40);
            drive[i] = rng.NextUniform(-65, -30);
        }

        var v2 = (double[])v1.Clone();
        var v0 = (double[])v1.Clone();
        double p = Math.Exp(-0.1 / 10);
        int s1 = LifPopulationKernel.Step(v1, drive, p, -40, -70);
        int s2 = LifPopulationKernel.StepScalar(v2, drive, p, -40, -70);
        Assert.Equal(s2, s1);
        for (int i = 0; i < n; i++)
        {
            // FMA vs separate multiply-add differ by at most a few ulps of ~70 mV.
            Assert.Equal(v2[i], v1[i], 1e-12);
            double exact = drive[i] + (v0[i] - drive[i]) * p;
            Assert.Equal(exact >= -40 ? -70 : exact, v2[i], 1e-12);
        }
    }
}
