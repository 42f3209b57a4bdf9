/**
 * The shape of one panel-option entry (`./schema.ts`). Three types of control: a choice among fixed
 * values, a number in a range (optionally offered as presets), and an on/off switch. `when` makes an
 * option depend on another one (shown, sent and written in the link only while that option has one
 * of the listed values), e.g. `bits` only when `storage` is `residual`; a list of conditions applies
 * while any holds (`centroids` for PLAID or residual storage).
 */
import type { PanelKind } from './schema';

export type OptionValue = string | number | boolean;

interface OptionCommon<V extends OptionValue> {
	/** The control's accessible name after the panel title: `"<panel title> <label>"`, e.g. "ColBERT MaxSim kernel". */
	label: string;
	/** The short visible text beside the control (default: `label`). */
	text?: string;
	/** Kinds of panel it applies to. */
	kinds: readonly PanelKind[];
	default: V;
	/** Its key in the link's per-panel object (`#s=` … `p: { colbert: { k: 'wasm' } }`); short and never reused. */
	link: string;
	/** The pipeline option it sets (`--opt <opt>=…` on the CLI; the worker passes it to the pipeline under this name). */
	opt: string;
	/** The CLI flag that sets it instead of `--opt` (e.g. `--depth`), when there is one. */
	cliFlag?: string;
	/** Applies only while another option has one of these values (a list: while any of them holds). */
	when?: OptionCondition | readonly OptionCondition[];
}

/** Another option having one of the listed values. */
export interface OptionCondition {
	option: string;
	is: readonly OptionValue[];
}

export interface ChoiceOptionSpec<V extends string | number = string | number> extends OptionCommon<V> {
	type: 'choice';
	values: readonly V[];
	/** How a value reads in the control and in labels (default: the value). */
	valueLabels?: Readonly<Partial<Record<string, string>>>;
	/** Any integer in this range is valid too (in a link or on the CLI), besides `values` (the control offers `values`). */
	integers?: { min: number; max: number };
}

export interface NumberOptionSpec extends OptionCommon<number> {
	type: 'number';
	min: number;
	max: number;
	integer: boolean;
	/** Values offered in a drop-down (any value in range is still valid in a link or on the CLI). */
	presets?: readonly number[];
}

export interface SwitchOptionSpec extends OptionCommon<boolean> {
	type: 'switch';
	/** How "off" reads in labels (e.g. "no stemming"); "on" reads as `text`. */
	offText?: string;
}

export type OptionSpec = ChoiceOptionSpec | NumberOptionSpec | SwitchOptionSpec;
