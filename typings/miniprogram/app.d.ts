/** Ambient types of this mini-program. */
interface IAppOption {
  globalData: {
    /** Host of the FaceID stand-in component (development only); see faceid-components/README.md. */
    faceidHost?: string;
  };
}
