type Json = Record<string, unknown>;

/** Every object-typed (sub)schema of a JSON schema with its JSON pointer into the instance. */
export function objectSchemas(schema: unknown, pointer = ''): { pointer: string; schema: Json }[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const json = schema as Json;
  const found: { pointer: string; schema: Json }[] = [];
  if (json['type'] === 'object') found.push({ pointer, schema: json });
  const properties = (json['properties'] ?? {}) as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties)) {
    found.push(...objectSchemas(property, `${pointer}/${name}`));
  }
  if (json['items']) found.push(...objectSchemas(json['items'], `${pointer}/*`));
  for (const alternative of (json['anyOf'] ?? []) as unknown[])
    found.push(...objectSchemas(alternative, pointer));
  return found;
}

/** Every property schema with its pointer, nested members included. */
export function propertySchemas(schema: unknown): { pointer: string; name: string; schema: Json }[] {
  return objectSchemas(schema).flatMap(({ pointer, schema: object }) =>
    Object.entries((object['properties'] ?? {}) as Record<string, Json>).map(([name, property]) => ({
      pointer: `${pointer}/${name}`,
      name,
      schema: property,
    })),
  );
}

/** The subschema a JSON pointer (as used in `sensitive`) names, or undefined. */
export function schemaAt(schema: unknown, pointer: string): Json | undefined {
  let current = schema as Json | undefined;
  for (const token of pointer.split('/').slice(1)) {
    current = ((current?.['properties'] ?? {}) as Record<string, Json>)[token];
    if (!current) return undefined;
  }
  return current;
}

/** Every (sub)schema with its JSON pointer: properties, array items and alternatives, the root included. */
export function schemaNodes(schema: unknown, pointer = ''): { pointer: string; schema: Json }[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const json = schema as Json;
  const found = [{ pointer, schema: json }];
  for (const [name, property] of Object.entries((json['properties'] ?? {}) as Record<string, unknown>)) {
    found.push(...schemaNodes(property, `${pointer}/${name}`));
  }
  if (json['items']) found.push(...schemaNodes(json['items'], `${pointer}/*`));
  for (const alternative of (json['anyOf'] ?? []) as unknown[])
    found.push(...schemaNodes(alternative, pointer));
  return found;
}
