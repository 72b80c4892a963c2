using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Rules;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Records.Lists;

/// <summary>
/// A patient on a registry list (who received the group-visit flier, who needs follow-up ...): when, by whom or by
/// which workflow, and how to reach them (contact details, preferred channel and language).
/// </summary>
internal sealed record RegistryListEntry(
    string PatientId, DateTimeOffset At, string? By, string? Workflow, string? Phone, string? Email, string? BestTime, string PreferredChannel, string Language, string? CareManager);

/// <summary>Registry lists of one practice: read with contact details, add a patient by hand.</summary>
internal sealed class RegistryListStore(IDbContextFactory<CareflowDbContext> contexts, ContactBook contactBook)
{
    public async Task<IReadOnlyList<RegistryListEntry>> EntriesAsync(string practiceId, string listId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entries = await db.ListEntries.AsNoTracking().Where(e => e.PracticeId == practiceId && e.ListId == listId).OrderBy(e => e.At).ToListAsync(cancellationToken);
        var ids = entries.Select(e => e.PatientId).ToList();
        var contacts = await contactBook.GetManyAsync(practiceId, ids, cancellationToken);
        var facts = await db.Patients.AsNoTracking().Where(p => p.PracticeId == practiceId && ids.Contains(p.PatientId))
            .ToDictionaryAsync(p => p.PatientId, p => StoreJson.Read<PatientFacts>(p.Facts), StringComparer.Ordinal, cancellationToken);
        var managers = await db.CareManagers.AsNoTracking().Where(c => c.PracticeId == practiceId && ids.Contains(c.PatientId)).ToDictionaryAsync(c => c.PatientId, c => c.StaffId, StringComparer.Ordinal, cancellationToken);
        var workflows = await db.Instances.AsNoTracking().Where(i => i.PracticeId == practiceId && entries.Select(e => e.InstanceId).Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => i.WorkflowId, StringComparer.Ordinal, cancellationToken);
        return [.. entries.Select(e =>
        {
            var contact = contacts.GetValueOrDefault(e.PatientId);
            var fact = facts.GetValueOrDefault(e.PatientId) ?? new PatientFacts();
            return new RegistryListEntry(e.PatientId, e.At, e.By, workflows.GetValueOrDefault(e.InstanceId), contact?.Phone, contact?.Email, contact?.BestTime,
                fact.PreferredChannel, fact.Language, managers.GetValueOrDefault(e.PatientId));
        })];
    }

    /// <summary>Puts a patient on a list by hand (a flier handed out at the desk); false when they already are on it.</summary>
    public async Task<bool> AddAsync(string practiceId, string listId, string patientId, DateTimeOffset at, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.ListEntries.AnyAsync(e => e.PracticeId == practiceId && e.ListId == listId && e.PatientId == patientId, cancellationToken))
        {
            return false;
        }

        db.ListEntries.Add(new ListEntryRow { PracticeId = practiceId, ListId = listId, PatientId = patientId, At = at, By = by, InstanceId = "" });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
