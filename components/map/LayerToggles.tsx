/** Which layers the map draws. */
export type Shown = { drivers: boolean; surge: boolean; alerts: boolean };

/** A checkbox per layer. */
export function LayerToggles({ shown, onChange }: { shown: Shown; onChange: (s: Shown) => void }) {
  return (
    <fieldset className="absolute right-3 top-3 flex gap-3 rounded bg-panel/90 px-3 py-1.5 text-xs" data-testid="map.layers">
      <legend className="sr-only">Map layers</legend>
      {(Object.keys(shown) as (keyof Shown)[]).map((layer) => (
        <label key={layer} className="flex cursor-pointer items-center gap-1">
          <input type="checkbox" checked={shown[layer]} onChange={(e) => onChange({ ...shown, [layer]: e.target.checked })} data-testid={`map.layer.${layer}`} />
          {layer}
        </label>
      ))}
    </fieldset>
  );
}
