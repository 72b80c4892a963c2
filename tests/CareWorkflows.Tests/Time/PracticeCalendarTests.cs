using CareWorkflows.Engine.Time;

namespace CareWorkflows.Tests.Time;

public class PracticeCalendarTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    private static readonly PracticeCalendar Practice = new(Chicago, [new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1)]);

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        Practice.AtLocalTime(new DateOnly(year, month, day), new TimeOnly(hour, minute));

    [Fact]
    public void DueAfter_BusinessDaysFromFriday_SkipTheWeekend()
    {
        // Discharged Friday 2026-12-11 at 15:00: two business days are Monday and Tuesday; due at Tuesday's close.
        var due = Practice.DueAfter(Local(2026, 12, 11, 15), Duration.TryParse("2 business days")!);

        Assert.Equal(Local(2026, 12, 15, 17), due);
        Assert.Equal(DayOfWeek.Tuesday, due.DayOfWeek);
    }

    [Fact]
    public void DueAfter_BusinessDaysAcrossHoliday_SkipTheHoliday()
    {
        // Discharged Thursday 2026-12-24: Friday the 25th is a holiday, then a weekend; Monday 28 and Tuesday 29 count.
        var due = Practice.DueAfter(Local(2026, 12, 24, 10), Duration.TryParse("2 business days")!);

        Assert.Equal(Local(2026, 12, 29, 17), due);
    }

    [Fact]
    public void DueAfter_BusinessDayOnFridayBeforeHolidayWeekend_LandsAfterNewYear()
    {
        // Thursday 2026-12-31: Friday 2027-01-01 is a holiday, so one business day later is Monday 2027-01-04.
        var due = Practice.DueAfter(Local(2026, 12, 31, 16), Duration.TryParse("1 business day")!);

        Assert.Equal(Local(2027, 1, 4, 17), due);
    }

    [Fact]
    public void DueAfter_BusinessDays_EndInsideWorkingHours()
    {
        var due = Practice.DueAfter(Local(2026, 12, 21, 23, 30), Duration.TryParse("1 business day")!);
        var local = TimeZoneInfo.ConvertTime(due, Chicago);

        Assert.InRange(TimeOnly.FromDateTime(local.DateTime), Practice.Opens, Practice.Closes);
    }

    [Fact]
    public void DueAfter_DaysAcrossDaylightSavingChange_EndAtCloseOfTheLastLocalDay()
    {
        // 2027-03-14 the clocks in Chicago go forward; the 14-day window still ends on local day 14 at 17:00 (CDT).
        var due = Practice.DueAfter(Local(2027, 3, 7, 9), Duration.TryParse("14 days")!);

        Assert.Equal(Local(2027, 3, 21, 17), due);
        Assert.Equal(TimeSpan.FromHours(-5), due.Offset);
    }

    [Fact]
    public void DueAfter_DaysEndingOnAHoliday_StillEndThatDay()
    {
        // A calendar-day deadline (TCM: visit within 14 days) is the date itself, holiday or not.
        Assert.Equal(Local(2026, 12, 25, 17), Practice.DueAfter(Local(2026, 12, 11, 23, 40), Duration.TryParse("14 days")!));
    }

    [Fact]
    public void DueAfter_Minutes_AreElapsedTime()
    {
        var start = Local(2026, 12, 19, 23, 50);

        Assert.Equal(start.AddMinutes(30), Practice.DueAfter(start, Duration.TryParse("30 minutes")!));
    }

    [Fact]
    public void DueAfter_Weeks_AreSevenLocalDays()
    {
        Assert.Equal(Local(2027, 1, 4, 17), Practice.DueAfter(Local(2026, 12, 21, 11), Duration.TryParse("2 weeks")!));
    }

    [Fact]
    public void Before_DaysBeforeAppointment_KeepsLocalTime()
    {
        Assert.Equal(Local(2027, 1, 8, 14), Practice.Before(Local(2027, 1, 11, 14), Duration.TryParse("3 days")!));
    }

    [Theory]
    [InlineData(2026, 12, 25, false)]
    [InlineData(2026, 12, 26, false)]
    [InlineData(2026, 12, 27, false)]
    [InlineData(2026, 12, 28, true)]
    [InlineData(2027, 1, 1, false)]
    public void IsBusinessDay_WeekendsAndHolidays_AreNot(int year, int month, int day, bool expected)
    {
        Assert.Equal(expected, Practice.IsBusinessDay(new DateOnly(year, month, day)));
    }

    [Fact]
    public void BusinessDaysBetween_FridayBeforeHolidayToWednesday_CountsTwo()
    {
        Assert.Equal(2, Practice.BusinessDaysBetween(Local(2026, 12, 24, 9), Local(2026, 12, 29, 9)));
    }
}
