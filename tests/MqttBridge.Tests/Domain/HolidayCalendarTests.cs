using MqttBridge.Domain;

namespace MqttBridge.Tests.Domain;

public sealed class HolidayCalendarTests
{
    [Theory]
    [InlineData(2000, 4, 23)]
    [InlineData(2019, 4, 21)]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    public void Easter_sunday_follows_the_gregorian_computus(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), HolidayCalendar.EasterSunday(year));

    [Fact]
    public void Norway_2026_has_its_twelve_helligdager()
    {
        var no = HolidayCalendar.For("NO");

        // Easter Sunday 5 Apr 2026; Maundy Thursday -3, Good Friday -2, Ascension +39, Whit Sunday +49, Whit Monday +50.
        DateOnly[] expected =
        [
            new(2026, 1, 1), new(2026, 4, 2), new(2026, 4, 3), new(2026, 4, 5), new(2026, 4, 6), new(2026, 5, 1),
            new(2026, 5, 14), new(2026, 5, 17), new(2026, 5, 24), new(2026, 5, 25), new(2026, 12, 25), new(2026, 12, 26),
        ];
        Assert.Equal(expected, no.In(2026).Keys.Order());
        Assert.Equal("1. påskedag", no.NameOf(new DateOnly(2026, 4, 5)));
        Assert.Equal("Kristi himmelfartsdag", no.NameOf(new DateOnly(2026, 5, 14)));
        Assert.Equal("2. pinsedag", no.NameOf(new DateOnly(2026, 5, 25)));
        Assert.Equal("Grunnlovsdag", no.NameOf(new DateOnly(2026, 5, 17)));
        Assert.Null(no.NameOf(new DateOnly(2026, 12, 24)));
        Assert.False(no.IsHoliday(new DateOnly(2026, 11, 23)));
    }

    [Fact]
    public void A_movable_feast_on_a_fixed_holiday_keeps_both_names()
    {
        // Easter 28 Mar 2027: Whit Monday is 28 Mar + 50 = 17 May. Easter 23 Mar 2008: Ascension 23 Mar + 39 = 1 May.
        Assert.Equal("Grunnlovsdag / 2. pinsedag", HolidayCalendar.For("NO").NameOf(new DateOnly(2027, 5, 17)));
        Assert.Equal("Offentlig høytidsdag / Kristi himmelfartsdag", HolidayCalendar.For("NO").NameOf(new DateOnly(2008, 5, 1)));
        Assert.Equal(11, HolidayCalendar.For("NO").In(2027).Count);
    }

    [Fact]
    public void Denmark_has_no_store_bededag_from_2024()
    {
        var dk = HolidayCalendar.For("dk");

        // Store bededag was the fourth Friday after Easter: 5 May 2023 (Easter 9 Apr), would be 1 May 2026.
        Assert.Equal("Store bededag", dk.NameOf(new DateOnly(2023, 5, 5)));
        Assert.False(dk.IsHoliday(new DateOnly(2026, 5, 1)));
        Assert.DoesNotContain("Store bededag", dk.In(2024).Values);
        Assert.Equal(10, dk.In(2026).Count);
        Assert.Equal(11, dk.In(2023).Count);
        Assert.True(dk.IsHoliday(new DateOnly(2026, 4, 2)));   // Skærtorsdag
        Assert.True(dk.IsHoliday(new DateOnly(2026, 5, 14)));  // Kristi himmelfartsdag
        Assert.False(dk.IsHoliday(new DateOnly(2026, 6, 5)));  // Grundlovsdag is not a helligdag
        Assert.False(dk.IsHoliday(new DateOnly(2026, 12, 24)));
    }

    [Fact]
    public void Sweden_2026_moves_midsummer_and_all_saints_to_saturdays_and_counts_the_eves()
    {
        var se = HolidayCalendar.For("Se");

        Assert.Equal("Midsommardagen", se.NameOf(new DateOnly(2026, 6, 20)));
        Assert.Equal(DayOfWeek.Saturday, new DateOnly(2026, 6, 20).DayOfWeek);
        Assert.Equal("Midsommarafton", se.NameOf(new DateOnly(2026, 6, 19)));
        Assert.Equal("Alla helgons dag", se.NameOf(new DateOnly(2026, 10, 31)));
        Assert.False(se.IsHoliday(new DateOnly(2026, 11, 1)));
        Assert.Equal("Sveriges nationaldag", se.NameOf(new DateOnly(2026, 6, 6)));
        Assert.Equal("Trettondedag jul", se.NameOf(new DateOnly(2026, 1, 6)));
        Assert.True(se.IsHoliday(new DateOnly(2026, 12, 24)));
        Assert.True(se.IsHoliday(new DateOnly(2026, 12, 31)));

        // No Maundy Thursday and no Whit Monday in Sweden.
        Assert.False(se.IsHoliday(new DateOnly(2026, 4, 2)));
        Assert.False(se.IsHoliday(new DateOnly(2026, 5, 25)));

        // 2027: 20 June is a Sunday, so Midsummer Day is Saturday 26 June; 31 Oct is a Sunday, All Saints' 6 Nov.
        Assert.Equal("Midsommardagen", se.NameOf(new DateOnly(2027, 6, 26)));
        Assert.Equal("Alla helgons dag", se.NameOf(new DateOnly(2027, 11, 6)));
    }

    [Fact]
    public void Belgium_2026_has_its_ten_legal_holidays()
    {
        var be = HolidayCalendar.For("BE");

        DateOnly[] expected =
        [
            new(2026, 1, 1), new(2026, 4, 6), new(2026, 5, 1), new(2026, 5, 14), new(2026, 5, 25),
            new(2026, 7, 21), new(2026, 8, 15), new(2026, 11, 1), new(2026, 11, 11), new(2026, 12, 25),
        ];
        Assert.Equal(expected, be.In(2026).Keys.Order());
        Assert.Equal("Nationale feestdag", be.NameOf(new DateOnly(2026, 7, 21)));
        Assert.False(be.IsHoliday(new DateOnly(2026, 12, 26)));
    }

    [Fact]
    public void None_has_no_holidays_and_unknown_codes_are_refused()
    {
        Assert.Empty(HolidayCalendar.For("none").In(2026));
        Assert.False(HolidayCalendar.For("NONE").IsHoliday(new DateOnly(2026, 12, 25)));
        var error = Assert.Throws<ArgumentException>(() => HolidayCalendar.For("FI"));
        Assert.Contains("FI", error.Message, StringComparison.Ordinal);
    }
}
