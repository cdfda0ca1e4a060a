/**
 * The few React calls the explorer makes, typed here: React ships no types of its own and
 * `@types/react` is not a dependency of the hub. GraphiQL brings React; the page only builds
 * elements and keeps a little state.
 */
// @ts-expect-error TS7016: react has no declaration file here (see above).
import * as untypedReact from 'react';
// @ts-expect-error TS7016: react-dom has no declaration file here (see above).
import * as untypedReactDomClient from 'react-dom/client';

/** An element React renders; opaque to the explorer. */
export interface ReactElement {
  readonly type: unknown;
}

/** A function component. */
export type Component<P> = (props: P) => ReactElement | null;

/** What `createElement` takes as a child. */
export type Child = ReactElement | string | number | false | null | undefined;

interface ReactApi {
  createElement(type: string, props?: Readonly<Record<string, unknown>> | null, ...children: Child[]): ReactElement;
  createElement<P>(type: Component<P>, props: P, ...children: Child[]): ReactElement;
  useState<T>(initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void];
  useEffect(effect: () => void | (() => void), dependencies: readonly unknown[]): void;
}

interface ReactDomClientApi {
  createRoot(container: Element): { render(element: ReactElement): void };
}

export const { createElement, useState, useEffect } = untypedReact as ReactApi;
export const { createRoot } = untypedReactDomClient as ReactDomClientApi;
