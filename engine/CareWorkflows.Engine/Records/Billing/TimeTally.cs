namespace CareWorkflows.Engine.Records.Billing;

/// <summary>
/// A patient's minutes in one calendar month measured against a time program: the codes reached and how far the
/// next one is. Minutes never carry over from one month to the next.
/// </summary>
/// <param name="Program">The program, or null when the patient is in none of the time programs.</param>
/// <param name="CountedMinutes">The minutes that count for the program (its staff only).</param>
/// <param name="BaseReached">True when the base code's minutes are reached.</param>
/// <param name="AddOnUnits">Full add-on blocks beyond the base (at most the add-on's monthly limit).</param>
/// <param name="NextCode">The next code within reach, or null when the month's limit is reached or there is no program.</param>
/// <param name="MinutesToNext">Minutes still needed for <paramref name="NextCode"/>.</param>
public sealed record TimeTally(TimeProgram? Program, int CountedMinutes, bool BaseReached, int AddOnUnits, string? NextCode, int? MinutesToNext)
{
    /// <summary>The codes reached, as billing staff write them: "99490", "99490 + 99439 x2".</summary>
    public string CodesText => Program is null || !BaseReached
        ? ""
        : AddOnUnits == 0 ? Program.Base.Code : $"{Program.Base.Code} + {Program.AddOn!.Code} x{AddOnUnits}";

    /// <summary>Tallies counted minutes against a program.</summary>
    public static TimeTally For(TimeProgram? program, int countedMinutes)
    {
        if (program is null)
        {
            return new TimeTally(null, countedMinutes, false, 0, null, null);
        }

        if (countedMinutes < program.Base.Minutes)
        {
            return new TimeTally(program, countedMinutes, false, 0, program.Base.Code, program.Base.Minutes - countedMinutes);
        }

        if (program.AddOn is not { } addOn)
        {
            return new TimeTally(program, countedMinutes, true, 0, null, null);
        }

        var units = (countedMinutes - program.Base.Minutes) / addOn.Minutes;
        if (addOn.MaxUnits is { } max && units >= max)
        {
            return new TimeTally(program, countedMinutes, true, max, null, null);
        }

        return new TimeTally(program, countedMinutes, true, units, addOn.Code, program.Base.Minutes + ((units + 1) * addOn.Minutes) - countedMinutes);
    }
}
