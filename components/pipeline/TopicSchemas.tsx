'use client';

import { useMemo } from 'react';
import { jsonSchemaOf, schemaRegistry, type SchemaName } from '../../lib/schemas/registry';
import { schemaFields } from '../../lib/schemas/schema-fields';
import { topics } from '../../lib/topics';

const days = (ms: number) => (ms < 0 ? 'kept' : ms >= 86_400_000 ? `${ms / 86_400_000} d` : `${ms / 3_600_000} h`);

/** Every topic of the catalog with its record schema and version, fields on demand. */
export function TopicSchemas() {
  const rows = useMemo(
    () =>
      Object.values(topics).map((t) => {
        const entry = schemaRegistry[t.valueSchema as SchemaName];
        return { topic: t, version: entry?.version ?? null, fields: entry ? schemaFields(jsonSchemaOf(t.valueSchema as SchemaName)) : null };
      }),
    [],
  );
  return (
    <ul className="divide-y divide-edge text-sm">
      {rows.map(({ topic, version, fields }) => (
        <li key={topic.name} className="px-3 py-2" data-testid={`schema.${topic.name}`}>
          <details>
            <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-3">
              <span className="font-mono">{topic.name}</span>
              <span className="text-ink">
                {topic.valueSchema}
                {version === null ? ' (original bytes, reason in headers)' : ` v${version}`}
              </span>
              <span className="text-xs text-muted">
                key {topic.key ?? 'none'} · {topic.partitions} partition{topic.partitions > 1 ? 's' : ''} · {topic.cleanupPolicy} · {days(topic.retentionMs)}
              </span>
            </summary>
            <p className="mt-1 text-xs text-muted">{topic.description}</p>
            {fields && (
              <table className="mt-1 w-full text-xs">
                <tbody>
                  {fields.map((f) => (
                    <tr key={f.path} className="border-t border-edge/60">
                      <td className="w-48 py-0.5 font-mono">
                        {f.path}
                        {f.required ? '' : '?'}
                      </td>
                      <td className="w-40 py-0.5 text-muted">{f.type}</td>
                      <td className="py-0.5 text-muted">{f.rules}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </details>
        </li>
      ))}
    </ul>
  );
}
