/** A stored domain event: an explicit type string and plain JSON data. */
export interface DomainEvent<TType extends string = string, TData extends Record<string, unknown> = Record<string, unknown>> {
  type: TType;
  data: TData;
}

/** Emmett-style decider: pure functions, with time and ids passed in through the command. */
export interface Decider<TState, TCommand, TEvent extends DomainEvent> {
  initialState(): TState;
  evolve(state: TState, event: TEvent): TState;
  /** Returns the events a command produces, or throws a `DomainError`. */
  decide(command: TCommand, state: TState): TEvent[];
}

/** A rule of the domain said no; `code` is one of the contract's stable error codes. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function foldEvents<TState, TEvent extends DomainEvent>(
  decider: Pick<Decider<TState, unknown, TEvent>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
