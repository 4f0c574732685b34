using MqttBridge.Sources.Digin;
using static MqttBridge.TestSupport.DiginFixtures;

namespace MqttBridge.Tests.Digin;

public sealed class GridCompanyMappingTests
{
    private static readonly GridCompanyMapping Shipped = GridCompanyMapping.Load(Bytes(Mapping));

    [Fact]
    public void Ships_the_standard_mapping_next_to_the_binary()
    {
        Assert.NotNull(GridCompanyMapping.Default);
        Assert.Equal(22, GridCompanyMapping.Default!.Count);
        Assert.Equal(22, Shipped.Count);
    }

    [Theory]
    [InlineData("707057500015000001", "ELVIA AS", "https://elvia.azure-api.net/grid-tariff")]
    [InlineData("707057500014300000", "ELVIA AS", "https://elvia.azure-api.net/grid-tariff")]
    [InlineData("707057500016799999", "ELVIA AS", "https://elvia.azure-api.net/grid-tariff")]
    [InlineData("707057500017000012", "Norgesnett AS", "https://gridtariff-api.norgesnett.no")]
    [InlineData("707057500070000003", "Lnett AS", "https://api.l-nett.no/apis/t/prod.lyse.no/gta/api/1.0/tarifftype")]
    public void Finds_the_company_on_the_first_17_digits(string meteringPoint, string company, string url)
    {
        var found = Shipped.Find(meteringPoint);

        Assert.Equal(company, found?.Name);
        Assert.Equal(url, found?.ApiUrl);
    }

    [Theory]
    [InlineData("707057500000000001")]
    [InlineData("707057500016800000")]
    [InlineData("123")]
    public void Unmapped_ids_find_no_company(string meteringPoint) => Assert.Null(Shipped.Find(meteringPoint));

    [Theory]
    [InlineData("https://elvia.azure-api.net/grid-tariff", "https://elvia.azure-api.net/grid-tariff/digin/api/1.0/")]
    [InlineData("https://elvia.azure-api.net/grid-tariff/", "https://elvia.azure-api.net/grid-tariff/digin/api/1.0/")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/digin/api/1.0/")]
    [InlineData("https://api.l-nett.no/apis/t/prod.lyse.no/gta/api/1.0/tarifftype", "https://api.l-nett.no/apis/t/prod.lyse.no/gta/api/1.0/")]
    [InlineData("https://gridtariff-api.norgesnett.no/api/1.0", "https://gridtariff-api.norgesnett.no/api/1.0/")]
    public void The_api_root_follows_elvias_layout_unless_the_url_names_the_version(string baseUrl, string root) =>
        Assert.Equal(root, DiginEndpoints.ApiRoot(baseUrl).AbsoluteUri);

    [Fact]
    public void Other_companies_get_the_standards_paths_from_the_mapping()
    {
        Assert.Equal("https://elvia.azure-api.net/grid-tariff", DiginIds.DefaultBase(Shipped.Find("707057500015000001")!));
        Assert.Equal("https://gridtariff-api.norgesnett.no/api/1.0", DiginIds.DefaultBase(Shipped.Find("707057500017000012")!));
        Assert.Equal("https://api.l-nett.no/apis/t/prod.lyse.no/gta/api/1.0/tarifftype", DiginIds.DefaultBase(Shipped.Find("707057500070000003")!));
    }
}
