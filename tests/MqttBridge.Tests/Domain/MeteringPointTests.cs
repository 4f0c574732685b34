using MqttBridge.Domain;

namespace MqttBridge.Tests.Domain;

public sealed class MeteringPointTests
{
    [Theory]
    [InlineData("707057500000000012", "…0012")]
    [InlineData("571313174000123456", "…3456")]
    [InlineData("1234", "1234")]
    [InlineData(null, "?")]
    public void Messages_show_only_the_last_four_digits(string? id, string shown) => Assert.Equal(shown, MeteringPoint.Masked(id));
}
