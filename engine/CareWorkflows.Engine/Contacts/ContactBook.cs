using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Contacts;

/// <summary>Patients' contact details and consent, per practice. The delivery worker reads them at each send, so a change counts from that moment.</summary>
internal sealed class ContactBook(IDbContextFactory<CareflowDbContext> contexts, TimeProvider time)
{
    public async Task<PatientContact?> GetAsync(string practiceId, string patientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.PracticeId == practiceId && c.PatientId == patientId, cancellationToken);
        return row is null ? null : ToRecord(row);
    }

    /// <summary>The contact details of these patients of one practice, by patient id; patients without any are left out.</summary>
    public async Task<IReadOnlyDictionary<string, PatientContact>> GetManyAsync(string practiceId, IReadOnlyCollection<string> patientIds, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Contacts.AsNoTracking().Where(c => c.PracticeId == practiceId && patientIds.Contains(c.PatientId)).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.PatientId, ToRecord, StringComparer.Ordinal);
    }

    /// <summary>Stores contact details and consented channels; the opt-out history is kept.</summary>
    public async Task PutAsync(IReadOnlyList<PatientContact> contacts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var practice in contacts.GroupBy(c => c.PracticeId))
        {
            var ids = practice.Select(c => c.PatientId).ToList();
            var rows = await db.Contacts.Where(c => c.PracticeId == practice.Key && ids.Contains(c.PatientId)).ToDictionaryAsync(c => c.PatientId, StringComparer.Ordinal, cancellationToken);
            foreach (var contact in practice)
            {
                if (!rows.TryGetValue(contact.PatientId, out var row))
                {
                    row = new ContactRow { PracticeId = contact.PracticeId, PatientId = contact.PatientId };
                    db.Contacts.Add(row);
                    rows[contact.PatientId] = row;
                }

                row.FirstName = contact.FirstName;
                row.Phone = contact.Phone;
                row.PhoneE164 = contact.PhoneE164;
                row.Email = contact.Email;
                row.PortalId = contact.PortalId;
                row.TimeZone = contact.TimeZone;
                row.Channels = string.Join(',', contact.Channels);
                row.BestTime = contact.BestTime;
                row.UpdatedBy = contact.UpdatedBy;
                row.UpdatedAt = time.GetUtcNow();
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Records an opt-out or opt-in; false when the patient has no contact record.</summary>
    public async Task<bool> ChangeConsentAsync(string practiceId, string patientId, ConsentChange change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Contacts.FirstOrDefaultAsync(c => c.PracticeId == practiceId && c.PatientId == patientId, cancellationToken);
        if (row is null)
        {
            return false;
        }

        Append(row, change);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>An SMS reply (STOP, START ...) from a number: applies to every patient of the practice with that number.</summary>
    /// <returns>How many patients it applied to.</returns>
    public async Task<int> ChangeConsentByPhoneAsync(string practiceId, string phoneE164, ConsentChange change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Contacts.Where(c => c.PracticeId == practiceId && c.PhoneE164 == phoneE164).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            Append(row, change);
        }

        await db.SaveChangesAsync(cancellationToken);
        return rows.Count;
    }

    private void Append(ContactRow row, ConsentChange change)
    {
        row.OptOuts = StoreJson.Write<IReadOnlyList<ConsentChange>>([.. StoreJson.Read<List<ConsentChange>>(row.OptOuts), change]);
        row.UpdatedAt = time.GetUtcNow();
    }

    private static PatientContact ToRecord(ContactRow row) => new()
    {
        PracticeId = row.PracticeId,
        PatientId = row.PatientId,
        FirstName = row.FirstName,
        Phone = row.Phone,
        PhoneE164 = row.PhoneE164,
        Email = row.Email,
        PortalId = row.PortalId,
        TimeZone = row.TimeZone,
        BestTime = row.BestTime,
        UpdatedBy = row.UpdatedBy,
        UpdatedAt = row.UpdatedAt,
        Channels = row.Channels.Split(',', StringSplitOptions.RemoveEmptyEntries),
        ConsentChanges = StoreJson.Read<List<ConsentChange>>(row.OptOuts),
    };
}
