import { expect } from "chai";
import type { Subtask } from "../../gateway/domain/case.js";
import { stalledSubtasks, subtaskState } from "../../gateway/domain/collaboration.js";

const at = "2026-11-02T02:00:00.000Z";
const hour = 3_600_000;
const subtask = (o: Partial<Subtask>): Subtask => ({
  subtaskId: "ST-1",
  region: "420100",
  description: "核对",
  completed: false,
  note: "",
  assignedAt: at,
  ...o,
});

describe("多地联办: subtask states and stalls", () => {
  const check = (now: number, breaker?: string) => ({
    now,
    takeUpMs: 4 * hour,
    breakerOf: () => breaker,
  });

  it("names each state", () => {
    expect(subtaskState(subtask({}))).to.equal("assigned");
    expect(subtaskState(subtask({ takenUp: true }))).to.equal("taken-up");
    expect(subtaskState(subtask({ takenUp: true, completed: true }))).to.equal("completed");
    expect(subtaskState(subtask({ cancelled: true }))).to.equal("cancelled");
    expect(subtaskState(subtask({ cancelled: true, replacedBy: "ST-2" }))).to.equal("reassigned");
    // A completion that crossed the withdrawal does not undo it.
    expect(subtaskState(subtask({ cancelled: true, completed: true }))).to.equal("cancelled");
  });

  it("flags an open subtask not taken up within the limit, and none before it or once taken up", () => {
    const t0 = Date.parse(at);
    expect(stalledSubtasks({ subtasks: [subtask({})] }, check(t0 + 4 * hour))).to.deep.equal([]);
    expect(stalledSubtasks({ subtasks: [subtask({})] }, check(t0 + 4 * hour + 1))).to.deep.equal([
      { region: "420100", subtaskId: "ST-1", reason: "take-up-overdue" },
    ]);
    expect(stalledSubtasks({ subtasks: [subtask({ takenUp: true })] }, check(t0 + 9 * hour))).to.deep.equal(
      [],
    );
    // Untimed (assigned before assignedAt existed), done or withdrawn subtasks are never overdue.
    for (const s of [
      subtask({ assignedAt: undefined }),
      subtask({ completed: true }),
      subtask({ cancelled: true }),
    ])
      expect(stalledSubtasks({ subtasks: [s] }, check(t0 + 9 * hour))).to.deep.equal([]);
  });

  it("flags open subtasks of a collaborator whose breaker is open, not when it is half-open", () => {
    const t0 = Date.parse(at);
    const taken = subtask({ takenUp: true });
    expect(stalledSubtasks({ subtasks: [taken] }, check(t0, "open"))).to.deep.equal([
      { region: "420100", subtaskId: "ST-1", reason: "breaker-open" },
    ]);
    expect(stalledSubtasks({ subtasks: [taken] }, check(t0, "half-open"))).to.deep.equal([]);
    expect(stalledSubtasks({ subtasks: [subtask({ completed: true })] }, check(t0, "open"))).to.deep.equal(
      [],
    );
  });
});
