import { PassThrough } from 'node:stream';
import { type OperationName, type OperationSpec, operationNames, operations } from '@wxpay-kit/sdk';
import { describe, expect, it } from 'vitest';
import { createContext } from '../src/commands/context.js';
import { operationFields, parseFlagValue } from '../src/operations/operation-fields.js';
import { followUpQuery } from '../src/operations/wait-for-final-state.js';
import { buildProgram } from '../src/program.js';

function program() {
  const stream = () => Object.assign(new PassThrough(), { isTTY: false });
  return buildProgram(createContext({ stdin: stream(), stdout: stream(), stderr: stream(), env: {} }));
}

describe('operation commands come from the catalogue', () => {
  const commands = new Map(program().commands.map((command) => [command.name(), command]));

  it('has one command per operation, named as the SDK method', () => {
    for (const name of operationNames) expect(commands.has(name), name).toBe(true);
    const operationCommands = [...commands.keys()].filter((name) => name.includes('.'));
    expect(operationCommands.sort()).toEqual([...operationNames].sort());
  });

  it.each([...operationNames])(
    '%s: one flag per input field, spelled as on the wire, with its limits',
    (name) => {
      const spec = operations[name as OperationName] as OperationSpec;
      const command = commands.get(name)!;
      const flags = new Map(command.options.map((option) => [option.long, option]));
      const fields = operationFields(spec);
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields) {
        const option = flags.get(`--${field.name}`);
        expect(option, `--${field.name}`).toBeDefined();
        expect(option!.description).toContain(field.required ? 'required' : 'optional');
        if (field.schema.maxLength !== undefined)
          expect(option!.description).toContain(`${field.schema.maxLength}`);
        if (field.schema.pattern !== undefined) expect(option!.description).toContain(field.schema.pattern);
      }
      expect(command.summary()).toBe(spec.summary);
      expect(command.helpInformation()).toContain(`--${fields[0]!.name}`);
    },
  );
});

describe('flag values take the catalogue type', () => {
  const integer = { name: 'transfer_amount', schema: { type: 'integer' } };
  it('converts integers, booleans and JSON, and leaves strings alone', () => {
    expect(parseFlagValue(integer, '400000')).toBe(400000);
    expect(parseFlagValue({ name: 'b', schema: { type: 'boolean' } }, 'true')).toBe(true);
    expect(parseFlagValue({ name: 'o', schema: { type: 'object' } }, '{"amount":1}')).toEqual({ amount: 1 });
    expect(parseFlagValue({ name: 's', schema: { type: 'string' } }, '0012')).toBe('0012');
  });
  it('names the flag and the value it could not read', () => {
    expect(() => parseFlagValue(integer, '4.5')).toThrow('--transfer_amount takes an integer, got "4.5"');
    expect(() => parseFlagValue({ name: 'o', schema: { type: 'array' } }, '[1,')).toThrow('--o takes JSON');
  });
});

describe('--wait finds the query that follows a resource', () => {
  it('picks a GET of the same family and role whose required fields are known', () => {
    const cancel = operationNames.find((name) => /^transferBills\..*[cC]ancel$/.test(name)) as OperationName;
    const query = followUpQuery(cancel, { out_bill_no: 'b1', sub_mchid: '1900001121', state: 'CANCELING' });
    expect(query).toBeDefined();
    expect((operations[query!.name] as OperationSpec).method).toBe('GET');
    expect(query!.input).toMatchObject({ out_bill_no: 'b1' });
    expect(followUpQuery('recharges.close', { out_recharge_no: 'r1', sub_mchid: '1900001121' })).toEqual({
      name: 'recharges.get',
      input: { out_recharge_no: 'r1', sub_mchid: '1900001121' },
    });
  });
});
