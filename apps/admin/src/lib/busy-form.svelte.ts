// A form's busy state for `use:enhance`: true from submit until the page is updated, so the button
// can say what is happening and not be pressed twice.
import type { SubmitFunction } from "$app/forms";

export function busyForm(update: { reset?: boolean; invalidateAll?: boolean } = {}) {
  let busy = $state(false);
  const enhance: SubmitFunction = () => {
    busy = true;
    return async (result) => {
      await result.update(update);
      busy = false;
    };
  };
  return {
    get busy() {
      return busy;
    },
    enhance,
  };
}
