using PhoneNumbers;

namespace CareWorkflows.Engine.Contacts;

/// <summary>Phone numbers read, checked and written in E.164 with libphonenumber.</summary>
public static class PhoneNumberCheck
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The number in E.164 (+13125550100), or null with the reason it cannot be used for text messages.</summary>
    /// <param name="text">The number as written.</param>
    /// <param name="region">The region a number without a country code is read in (ISO 3166, e.g. US).</param>
    public static (string? E164, string? Problem) Normalize(string? text, string region)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, "no phone number on file");
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(text, region);
        }
        catch (NumberParseException ex)
        {
            return (null, $"the phone number on file is not a phone number ({ex.ErrorType})");
        }

        if (!Util.IsValidNumber(number))
        {
            return (null, $"the phone number on file is not a valid number for region {Util.GetRegionCodeForNumber(number) ?? region}");
        }

        return Util.GetNumberType(number) is PhoneNumberType.FIXED_LINE
            ? (null, "the phone number on file is a landline, which cannot receive text messages")
            : (Util.Format(number, PhoneNumberFormat.E164), null);
    }
}
