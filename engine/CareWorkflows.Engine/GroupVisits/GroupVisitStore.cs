using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Reminders;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.GroupVisits;

/// <summary>A group medical appointment session with its invitations.</summary>
/// <param name="Session">When, where, what, who leads it.</param>
/// <param name="Program">The program it is for, if any.</param>
/// <param name="Capacity">How many patients it takes.</param>
/// <param name="Invitations">Who was invited (got the flier), their answer and whether they came.</param>
public sealed record GroupSession(SessionInfo Session, string? Program, int Capacity, IReadOnlyList<Invitation> Invitations)
{
    /// <summary>Patients who said they will come.</summary>
    public int Coming => Invitations.Count(i => i.Rsvp == "yes");
}

/// <summary>One patient invited to a session: who gave the flier or sent the invitation, when, the answer, attendance.</summary>
/// <param name="PatientId">The patient.</param>
/// <param name="InvitedAt">When.</param>
/// <param name="InvitedBy">The staff member.</param>
/// <param name="Via">flier, email, sms, portal, phone or in-person.</param>
/// <param name="Rsvp">yes, no, maybe; null before an answer.</param>
/// <param name="RsvpAt">When they answered.</param>
/// <param name="Attended">Whether they came; null before the session is recorded.</param>
public sealed record Invitation(string PatientId, DateTimeOffset InvitedAt, string? InvitedBy, string Via, string? Rsvp, DateTimeOffset? RsvpAt, bool? Attended);

/// <summary>Why a group-visit change was refused.</summary>
public enum GroupVisitRefusal
{
    /// <summary>Done.</summary>
    None,
    /// <summary>No such session in the practice.</summary>
    NoSession,
    /// <summary>The patient was never invited to the session.</summary>
    NotInvited,
    /// <summary>Every seat is taken.</summary>
    Full,
}

/// <summary>Group medical appointment sessions, invitations, RSVPs and attendance (seed 000), scoped to a practice.</summary>
internal sealed class GroupVisitStore(IDbContextFactory<CareflowDbContext> contexts, TimeProvider time)
{
    public async Task<GroupSession> CreateAsync(string practiceId, SessionInfo session, string? program, int capacity, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.GroupSessions.Add(new GroupSessionRow
        {
            Id = session.Id,
            PracticeId = practiceId,
            Topic = session.Topic,
            Program = program,
            StartsAt = session.Start,
            Minutes = session.Minutes,
            Place = session.Place,
            Capacity = capacity,
            Facilitator = session.Facilitator,
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return new GroupSession(session, program, capacity, []);
    }

    public async Task<IReadOnlyList<GroupSession>> ListAsync(string practiceId, DateTimeOffset? from, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.GroupSessions.AsNoTracking().Where(s => s.PracticeId == practiceId);
        if (from is { } start)
        {
            query = query.Where(s => s.StartsAt >= start);
        }

        var rows = await query.OrderBy(s => s.StartsAt).Take(500).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var invitations = await db.GroupInvitations.AsNoTracking().Where(i => i.PracticeId == practiceId && ids.Contains(i.SessionId)).ToListAsync(cancellationToken);
        return [.. rows.Select(r => ToRecord(r, invitations.Where(i => i.SessionId == r.Id)))];
    }

    public async Task<GroupSession?> GetAsync(string practiceId, string sessionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.GroupSessions.AsNoTracking().FirstOrDefaultAsync(s => s.PracticeId == practiceId && s.Id == sessionId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var invitations = await db.GroupInvitations.AsNoTracking().Where(i => i.PracticeId == practiceId && i.SessionId == sessionId).OrderBy(i => i.InvitedAt).ToListAsync(cancellationToken);
        return ToRecord(row, invitations);
    }

    /// <summary>Records who got the flier or invitation; inviting again keeps the first record.</summary>
    public async Task<GroupVisitRefusal> InviteAsync(string practiceId, string sessionId, string patientId, string? by, string via, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.GroupSessions.AnyAsync(s => s.PracticeId == practiceId && s.Id == sessionId, cancellationToken))
        {
            return GroupVisitRefusal.NoSession;
        }

        if (!await db.GroupInvitations.AnyAsync(i => i.PracticeId == practiceId && i.SessionId == sessionId && i.PatientId == patientId, cancellationToken))
        {
            db.GroupInvitations.Add(new GroupInvitationRow { PracticeId = practiceId, SessionId = sessionId, PatientId = patientId, InvitedAt = at, InvitedBy = by, Via = via });
            await db.SaveChangesAsync(cancellationToken);
        }

        return GroupVisitRefusal.None;
    }

    public async Task<GroupVisitRefusal> RsvpAsync(string practiceId, string sessionId, string patientId, string answer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var session = await db.GroupSessions.AsNoTracking().FirstOrDefaultAsync(s => s.PracticeId == practiceId && s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return GroupVisitRefusal.NoSession;
        }

        var invitation = await db.GroupInvitations.FirstOrDefaultAsync(i => i.PracticeId == practiceId && i.SessionId == sessionId && i.PatientId == patientId, cancellationToken);
        if (invitation is null)
        {
            return GroupVisitRefusal.NotInvited;
        }

        if (answer == "yes" && invitation.Rsvp != "yes"
            && await db.GroupInvitations.CountAsync(i => i.PracticeId == practiceId && i.SessionId == sessionId && i.Rsvp == "yes", cancellationToken) >= session.Capacity)
        {
            return GroupVisitRefusal.Full;
        }

        invitation.Rsvp = answer;
        invitation.RsvpAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return GroupVisitRefusal.None;
    }

    public async Task<GroupVisitRefusal> AttendanceAsync(string practiceId, string sessionId, string patientId, bool attended, string? by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invitation = await db.GroupInvitations.FirstOrDefaultAsync(i => i.PracticeId == practiceId && i.SessionId == sessionId && i.PatientId == patientId, cancellationToken);
        if (invitation is null)
        {
            return await db.GroupSessions.AnyAsync(s => s.PracticeId == practiceId && s.Id == sessionId, cancellationToken) ? GroupVisitRefusal.NotInvited : GroupVisitRefusal.NoSession;
        }

        invitation.Attended = attended;
        invitation.AttendanceAt = time.GetUtcNow();
        invitation.AttendanceBy = by;
        await db.SaveChangesAsync(cancellationToken);
        return GroupVisitRefusal.None;
    }

    /// <summary>The session a message to the patient reinforces: the next one they were invited to, else the practice's next one.</summary>
    public async Task<SessionInfo?> NextSessionForAsync(string practiceId, string patientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invited = db.GroupInvitations.Where(i => i.PracticeId == practiceId && i.PatientId == patientId && i.Rsvp != "no").Select(i => i.SessionId);
        var upcoming = db.GroupSessions.AsNoTracking().Where(s => s.PracticeId == practiceId && s.StartsAt > now).OrderBy(s => s.StartsAt);
        var row = await upcoming.Where(s => invited.Contains(s.Id)).FirstOrDefaultAsync(cancellationToken)
            ?? await upcoming.FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : Info(row);
    }

    private static SessionInfo Info(GroupSessionRow row) => new(row.Id, row.Topic, row.StartsAt, row.Minutes, row.Place, row.Facilitator);

    private static GroupSession ToRecord(GroupSessionRow row, IEnumerable<GroupInvitationRow> invitations) => new(
        Info(row), row.Program, row.Capacity,
        [.. invitations.Select(i => new Invitation(i.PatientId, i.InvitedAt, i.InvitedBy, i.Via, i.Rsvp, i.RsvpAt, i.Attended))]);
}
